# inzant-reset: every word a person reads, in Spanish.
#
# Variables every message may use: $product (the product's name, from the
# service's `Product`). Others are listed above each message that takes them.
# Times ($time) arrive formatted for the language; numbers select plurals.

## The language itself

# This language's own name, shown in the reset page's language switch.
language-name = Español
# The label of the language switch.
language-switch = Idioma

## Page titles

# $page: the page's own heading
page-title = { $page } – { $product }

## The reset form

reset-heading = Restablecer su contraseña
create-heading = Crear su contraseña
# $name: the person's name; $username: their username
form-intro = Para { $name } ({ $username }). Introduzca el código de 6 dígitos del correo electrónico y, a continuación, elija una contraseña nueva.
code-label = Código
code-help = Los 6 dígitos del correo electrónico.
new-password-label = Nueva contraseña
confirm-password-label = Confirmar nueva contraseña
save-button = Guardar nueva contraseña
passwords-match = Las contraseñas coinciden
# $time: when the link and code stop working
works-until = Este enlace y este código son válidos hasta el { $time }.
# $count: wrong codes still allowed
attempts-left =
    { $count ->
        [one] Le queda { $count } intento para el código.
        [many] Le quedan { $count } intentos para el código.
       *[other] Le quedan { $count } intentos para el código.
    }

## Strength meter

strength-too-weak = Demasiado débil
strength-weak = Débil
strength-acceptable = Aceptable
strength-good = Buena
strength-strong = Fuerte

## Password rules, listed under the password field

# $min: the fewest characters allowed
rule-min-length =
    { $min ->
        [one] Al menos { $min } carácter
        [many] Al menos { $min } caracteres
       *[other] Al menos { $min } caracteres
    }
# $max: the most characters allowed
rule-max-length =
    { $max ->
        [one] Como máximo { $max } carácter
        [many] Como máximo { $max } caracteres
       *[other] Como máximo { $max } caracteres
    }
rule-uppercase = Una letra mayúscula
rule-lowercase = Una letra minúscula
rule-digit = Un número
rule-symbol = Un símbolo, como ! o #
rule-no-user-details = Ni su nombre ni su nombre de usuario
rule-no-control-characters = Sin tabulaciones, saltos de línea ni otros caracteres de control
rule-not-breached = Que no figure en filtraciones de datos conocidas

## Pages for links that cannot be used, and for failures

dead-link-title = Enlace de restablecimiento no utilizable
dead-link-heading = Este enlace no se puede usar
unavailable-title = Servicio no disponible
unavailable-heading = Se ha producido un error
bad-form-title = Formulario no aceptado
bad-form-heading = No se ha podido leer el formulario
bad-form-help = Vuelva a la página de restablecimiento desde el enlace de su correo electrónico e inténtelo de nuevo.
next-step-new-email = Pida a su administrador que le envíe un nuevo correo de restablecimiento y, después, use el enlace de ese correo.
next-step-newest-email = Solo funciona el correo de restablecimiento más reciente.

## After saving: device users' page

device-done-title = Contraseña guardada
device-done-heading = Se ha establecido su nueva contraseña
# $apps: the apps device users sign in to, as a list ("A or B")
device-done-message = Use su nueva contraseña para iniciar sesión en { $apps }.
device-done-note = Los usuarios de dispositivos no pueden iniciar sesión en este sitio web; no tiene que hacer nada más aquí.

## Refusals: why something was not done

# $count: wrong codes still allowed
refusal-incorrect-code =
    { $count ->
        [one] El código es incorrecto. Le queda { $count } intento.
        [many] El código es incorrecto. Le quedan { $count } intentos.
       *[other] El código es incorrecto. Le quedan { $count } intentos.
    }
refusal-locked = Demasiados códigos incorrectos. Pida a su administrador que le envíe un nuevo correo de restablecimiento.
refusal-expired = Este enlace de restablecimiento ha caducado.
refusal-already-used = Este enlace de restablecimiento ya se ha utilizado.
refusal-superseded = Se ha enviado un correo de restablecimiento más reciente; use el enlace de ese correo.
refusal-revoked = Este enlace de restablecimiento se ha cancelado.
refusal-cancelled = Su administrador ha cancelado este enlace. Pídale un nuevo correo si todavía necesita establecer su contraseña.
refusal-unknown-link = Este enlace de restablecimiento no es válido.
refusal-invalid-code = Introduzca el código de 6 dígitos del correo electrónico.
refusal-invalid-characters = Las contraseñas no pueden contener caracteres de control.
refusal-passwords-differ = Las contraseñas no coinciden.
# $level: the strength label the password got
refusal-too-weak = La nueva contraseña aún no es lo bastante segura: su nivel es «{ $level }».
refusal-breached = Esta contraseña ha aparecido en una filtración de datos; elija otra.
# $max: the most characters allowed
refusal-too-long = Las contraseñas pueden tener como máximo { $max } caracteres.
# $action: send, status or cancel
refusal-not-allowed =
    { $action ->
        [send] No tiene permiso para enviar un correo de contraseña a este usuario.
        [status] No tiene permiso para ver los restablecimientos de contraseña de este usuario.
       *[cancel] No tiene permiso para cancelar el restablecimiento de contraseña de este usuario.
    }
refusal-unknown-user = Ese usuario no existe.
# $name: the user's name
refusal-has-password = { $name } ya tiene una contraseña; use «Restablecer contraseña».
refusal-nothing-to-cancel = Este usuario no tiene ningún restablecimiento pendiente que cancelar.
# $seconds: how long to wait
refusal-cooldown =
    { $seconds ->
        [one] Se acaba de enviar un correo de restablecimiento a este usuario; vuelva a intentarlo dentro de { $seconds } segundo.
        [many] Se acaba de enviar un correo de restablecimiento a este usuario; vuelva a intentarlo dentro de { $seconds } segundos.
       *[other] Se acaba de enviar un correo de restablecimiento a este usuario; vuelva a intentarlo dentro de { $seconds } segundos.
    }
# $max: the daily cap
refusal-daily-limit =
    { $max ->
        [one] A este usuario ya se le ha enviado { $max } correo de restablecimiento en las últimas 24 horas; vuelva a intentarlo más tarde.
        [many] A este usuario ya se le han enviado { $max } correos de restablecimiento en las últimas 24 horas; vuelva a intentarlo más tarde.
       *[other] A este usuario ya se le han enviado { $max } correos de restablecimiento en las últimas 24 horas; vuelva a intentarlo más tarde.
    }
# $recipient: where the email was going
refusal-mail-failed = No se ha podido enviar el correo a { $recipient }; no hay ningún restablecimiento pendiente.
refusal-password-not-saved = No se ha podido guardar su nueva contraseña. Pida a su administrador que le envíe un nuevo correo de restablecimiento.
refusal-hashing = No se ha podido guardar su nueva contraseña. Vuelva a intentarlo en unos instantes.
refusal-unavailable = El servicio de restablecimiento de contraseñas no está disponible en este momento. Vuelva a intentarlo en unos instantes.
refusal-breach-check-unavailable = No se ha podido comprobar ahora si su nueva contraseña figura en filtraciones de datos conocidas. Vuelva a intentarlo en unos instantes.

## Requests the pages could not read

cross-site-refused = No se aceptan solicitudes entre sitios.
request-too-large = La solicitud es demasiado grande.
missing-purpose = Indique qué correo se debe enviar: uno de restablecimiento de contraseña o uno de creación de contraseña.
unknown-purpose = El tipo de correo debe ser «reset» o «create».
form-wrong-type = El formulario debe enviarse como application/x-www-form-urlencoded.
form-empty = El formulario estaba vacío.
form-malformed = No se ha podido leer el formulario: no contiene datos de formulario UTF-8 válidos.
form-repeated = No se ha podido leer el formulario: se ha enviado un campo más de una vez.
form-too-many = No se ha podido leer el formulario: tiene demasiados campos.
too-many-strength-checks = Demasiadas comprobaciones de seguridad de la contraseña para este enlace; espere un minuto.

## The admin's answers

# $purpose: reset or create; $recipient: the user's username
sent =
    { $purpose ->
        [create] Se ha enviado a { $recipient } un correo para crear la contraseña.
       *[reset] Se ha enviado a { $recipient } un correo de restablecimiento de contraseña.
    }
# $recipient: the user's username
cancelled = Se ha cancelado el correo de contraseña enviado a { $recipient }; su enlace y su código ya no funcionan.

## The admin's view of a user's reset

status-heading = Restablecimiento de contraseña
status-none = No se ha enviado ningún correo de contraseña a este usuario.
# $time: when it stops working
status-expires = El enlace y el código son válidos hasta el { $time }.
recent-activity = Actividad reciente
cancel-reset = Cancelar restablecimiento
# $purpose: reset or create; $to: the username; $by: the admin; $time: when
status-sent =
    { $purpose ->
        [create] Correo para crear la contraseña enviado a { $to } por { $by } el { $time }.
       *[reset] Correo de restablecimiento enviado a { $to } por { $by } el { $time }.
    }
# $state: issued, completed, expired, locked, superseded, revoked or cancelled
request-state =
    { $state ->
        [issued] Esperando al usuario
        [completed] Completado
        [expired] Caducado
        [locked] Bloqueado tras demasiados códigos incorrectos
        [superseded] Sustituido por un correo más reciente
        [revoked] Retirado: no se pudo enviar el correo
       *[cancelled] Cancelado
    }
# $state: as above; $time: when it ended; $attempts: wrong codes (locked only)
status-ended =
    { $state ->
        [completed] Completado el { $time }.
        [expired] Caducado el { $time }.
        [locked] Bloqueado el { $time } (códigos incorrectos: { $attempts }).
        [superseded] Sustituido el { $time }.
        [revoked] Retirado el { $time }.
       *[cancelled] Cancelado el { $time }.
    }
# $kind: what happened; $by: the admin who acted, where one did
password-event =
    { $kind ->
        [issued-reset] Correo de restablecimiento enviado por { $by }
        [issued-create] Correo para crear la contraseña enviado por { $by }
        [mail-failed] No se pudo enviar el correo
        [superseded] Un enlace anterior se sustituyó por un correo más reciente
        [wrong-code] Se introdujo un código incorrecto
        [locked] Bloqueado tras demasiados códigos incorrectos
        [completed] Nueva contraseña establecida
        [password-not-saved] No se pudo guardar la nueva contraseña
        [hook-failed] No se pudieron cerrar las demás sesiones del usuario
        [notice-failed] No se pudo enviar el correo «Contraseña cambiada»
        [notice-sent] Correo «Contraseña cambiada» enviado
        [expired] El enlace caducó sin usarse
       *[cancelled] Cancelado por { $by }
    }

## Times

# $time: a date and time in the language's own style
time-utc = { $time } (UTC)

## The reset email

# $purpose: reset or create; $username: the account
reset-email-subject =
    { $purpose ->
        [create] Cree su contraseña de { $product } ({ $username })
       *[reset] Restablezca su contraseña de { $product } ({ $username })
    }
# $name: the person's name
email-greeting = Hola, { $name }:
# $purpose: reset or create; $username: the account
reset-email-intro =
    { $purpose ->
        [create] Un administrador ha configurado su cuenta de { $product } (usuario: { $username }). Todavía no tiene contraseña.
       *[reset] Un administrador ha solicitado que se restablezca la contraseña de su cuenta de { $product } (usuario: { $username }).
    }
# $purpose: reset or create
reset-email-open-link =
    { $purpose ->
        [create] Para crear su contraseña, abra este enlace:
       *[reset] Para elegir una contraseña nueva, abra este enlace:
    }
reset-email-enter-code = e introduzca este código:
# $purpose: reset or create
reset-email-html-instructions =
    { $purpose ->
        [create] Para crear su contraseña, abra el siguiente enlace e introduzca este código:
       *[reset] Para elegir una contraseña nueva, abra el siguiente enlace e introduzca este código:
    }
# $purpose: reset or create
reset-email-button =
    { $purpose ->
        [create] Crear contraseña
       *[reset] Restablecer contraseña
    }
reset-email-link-fallback = Si el botón no funciona, copie este enlace en su navegador:
# $time: when the link and code stop working
reset-email-validity = El enlace y el código solo se pueden usar una vez, hasta el { $time }.
# $name: the person's name; $username: the account
reset-email-footer = Este correo es para { $name } ({ $username }). Si no lo esperaba, póngase en contacto con su administrador; no comparta el código con nadie.

## The "password changed" notice

# $username: the account
notice-subject = Se ha cambiado su contraseña de { $product } ({ $username })
# $username: the account; $time: when
notice-body = La contraseña de su cuenta de { $product } (usuario: { $username }) se cambió el { $time } mediante un correo de restablecimiento.
notice-warning = Si no la ha cambiado usted, póngase en contacto con su administrador de inmediato.

## The strength meter's advice (zxcvbn's feedback)

feedback-straight-rows = Las filas de teclas seguidas son fáciles de adivinar.
feedback-short-keyboard-patterns = Los patrones de teclado cortos son fáciles de adivinar.
feedback-repeats-like-aaa = Las repeticiones como «aaa» son fáciles de adivinar.
feedback-repeats-like-abcabc = Las repeticiones como «abcabcabc» son solo un poco más difíciles de adivinar que «abc».
feedback-top-10 = Esta es una de las 10 contraseñas más comunes.
feedback-top-100 = Esta es una de las 100 contraseñas más comunes.
feedback-common-password = Esta es una contraseña muy común.
feedback-similar-to-common = Se parece a una contraseña de uso común.
feedback-sequences = Las secuencias como abc o 6543 son fáciles de adivinar.
feedback-recent-years = Los años recientes son fáciles de adivinar.
feedback-word-by-itself = Una palabra sola es fácil de adivinar.
feedback-dates = Las fechas suelen ser fáciles de adivinar.
feedback-names-by-themselves = Los nombres y apellidos por sí solos son fáciles de adivinar.
feedback-common-names = Los nombres y apellidos comunes son fáciles de adivinar.
feedback-use-a-few-words = Use varias palabras y evite las frases hechas.
feedback-no-need-for-symbols = No hace falta usar símbolos, números ni mayúsculas.
feedback-add-another-word = Añada una o dos palabras más. Las palabras poco comunes son mejores.
feedback-capitalization = Usar mayúsculas no ayuda mucho.
feedback-all-uppercase = Todo en mayúsculas es casi tan fácil de adivinar como todo en minúsculas.
feedback-reversed-words = Las palabras escritas al revés no son mucho más difíciles de adivinar.
feedback-predictable-substitutions = Las sustituciones previsibles, como «@» en lugar de «a», no ayudan mucho.
feedback-longer-keyboard-pattern = Use un patrón de teclado más largo y con más cambios de dirección.
feedback-avoid-repeats = Evite repetir palabras y caracteres.
feedback-avoid-sequences = Evite las secuencias.
feedback-avoid-recent-years = Evite los años recientes.
feedback-avoid-associated-years = Evite los años relacionados con usted.
feedback-avoid-associated-dates = Evite las fechas y los años relacionados con usted.
