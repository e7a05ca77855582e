# inzant-reset: every word a person reads, in French.
#
# Variables every message may use: $product (the product's name, from the
# service's `Product`). Others are listed above each message that takes them.
# Times ($time) arrive formatted for the language; numbers select plurals.

## The language itself

# This language's own name, shown in the reset page's language switch.
language-name = Français
# The label of the language switch.
language-switch = Langue

## Page titles

# $page: the page's own heading
page-title = { $page } – { $product }

## The reset form

reset-heading = Réinitialiser votre mot de passe
create-heading = Créer votre mot de passe
# $name: the person's name; $username: their username
form-intro = Pour { $name } ({ $username }). Saisissez le code à 6 chiffres reçu par e-mail, puis choisissez un nouveau mot de passe.
code-label = Code
code-help = Les 6 chiffres indiqués dans l’e-mail.
new-password-label = Nouveau mot de passe
confirm-password-label = Confirmer le nouveau mot de passe
save-button = Enregistrer le nouveau mot de passe
passwords-match = Les mots de passe correspondent
# $time: when the link and code stop working
works-until = Ce lien et ce code sont valables jusqu’au { $time }.
# $count: wrong codes still allowed
attempts-left =
    { $count ->
        [one] Il vous reste { $count } tentative pour le code.
        [many] Il vous reste { $count } tentatives pour le code.
       *[other] Il vous reste { $count } tentatives pour le code.
    }

## Strength meter

strength-too-weak = Trop faible
strength-weak = Faible
strength-acceptable = Acceptable
strength-good = Bon
strength-strong = Fort

## Password rules, listed under the password field

# $min: the fewest characters allowed
rule-min-length =
    { $min ->
        [one] Au moins { $min } caractère
        [many] Au moins { $min } caractères
       *[other] Au moins { $min } caractères
    }
# $max: the most characters allowed
rule-max-length =
    { $max ->
        [one] Au plus { $max } caractère
        [many] Au plus { $max } caractères
       *[other] Au plus { $max } caractères
    }
rule-uppercase = Une lettre majuscule
rule-lowercase = Une lettre minuscule
rule-digit = Un chiffre
rule-symbol = Un caractère spécial (# ou !, par exemple)
rule-no-user-details = Ni votre nom ni votre nom d’utilisateur
rule-no-control-characters = Pas de tabulations, de sauts de ligne ni d’autres caractères de contrôle
rule-not-breached = Absent des fuites de données connues

## Pages for links that cannot be used, and for failures

dead-link-title = Lien de réinitialisation inutilisable
dead-link-heading = Ce lien ne peut pas être utilisé
unavailable-title = Service indisponible
unavailable-heading = Une erreur s’est produite
bad-form-title = Formulaire refusé
bad-form-heading = Le formulaire n’a pas pu être lu
bad-form-help = Revenez à la page de réinitialisation à partir du lien de votre e-mail, puis réessayez.
next-step-new-email = Demandez à votre administrateur de vous envoyer un nouvel e-mail de réinitialisation, puis utilisez le lien qu’il contient.
next-step-newest-email = Seul le dernier e-mail de réinitialisation envoyé est valable.

## After saving: device users' page

device-done-title = Mot de passe enregistré
device-done-heading = Votre nouveau mot de passe est défini
# $apps: the apps device users sign in to, as a list ("A or B")
device-done-message = Utilisez votre nouveau mot de passe pour vous connecter à { $apps }.
device-done-note = Les utilisateurs d’appareils ne peuvent pas se connecter à ce site web ; vous n’avez plus rien à faire ici.

## Refusals: why something was not done

# $count: wrong codes still allowed
refusal-incorrect-code =
    { $count ->
        [one] Le code est incorrect. Il vous reste { $count } tentative.
        [many] Le code est incorrect. Il vous reste { $count } tentatives.
       *[other] Le code est incorrect. Il vous reste { $count } tentatives.
    }
refusal-locked = Trop de codes incorrects. Demandez à votre administrateur de vous envoyer un nouvel e-mail de réinitialisation.
refusal-expired = Ce lien de réinitialisation a expiré.
refusal-already-used = Ce lien de réinitialisation a déjà été utilisé.
refusal-superseded = Un e-mail de réinitialisation plus récent a été envoyé ; utilisez le lien qu’il contient.
refusal-revoked = Ce lien de réinitialisation a été annulé.
refusal-cancelled = Ce lien a été annulé par votre administrateur. Demandez-lui un nouvel e-mail si vous devez encore définir votre mot de passe.
refusal-unknown-link = Ce lien de réinitialisation n’est pas valide.
refusal-invalid-code = Saisissez le code à 6 chiffres reçu par e-mail.
refusal-invalid-characters = Les mots de passe ne peuvent pas contenir de caractères de contrôle.
refusal-passwords-differ = Les mots de passe ne correspondent pas.
# $level: the strength label the password got
refusal-too-weak = Le nouveau mot de passe n’est pas encore assez robuste : il est jugé « { $level } ».
refusal-breached = Ce mot de passe figure dans une fuite de données ; choisissez-en un autre.
# $max: the most characters allowed
refusal-too-long = Les mots de passe ne peuvent pas dépasser { $max } caractères.
# $action: send, status or cancel
refusal-not-allowed =
    { $action ->
        [send] Vous ne pouvez pas envoyer d’e-mail de mot de passe à cet utilisateur.
        [status] Vous ne pouvez pas consulter les réinitialisations de mot de passe de cet utilisateur.
       *[cancel] Vous ne pouvez pas annuler la réinitialisation du mot de passe de cet utilisateur.
    }
refusal-unknown-user = Cet utilisateur n’existe pas.
# $name: the user's name
refusal-has-password = { $name } a déjà un mot de passe ; utilisez « Réinitialiser le mot de passe ».
refusal-nothing-to-cancel = Aucune réinitialisation en attente à annuler pour cet utilisateur.
# $seconds: how long to wait
refusal-cooldown =
    { $seconds ->
        [one] Un e-mail de réinitialisation vient d’être envoyé à cet utilisateur ; réessayez dans { $seconds } seconde.
        [many] Un e-mail de réinitialisation vient d’être envoyé à cet utilisateur ; réessayez dans { $seconds } secondes.
       *[other] Un e-mail de réinitialisation vient d’être envoyé à cet utilisateur ; réessayez dans { $seconds } secondes.
    }
# $max: the daily cap
refusal-daily-limit =
    { $max ->
        [one] Cet utilisateur a déjà reçu { $max } e-mail de réinitialisation au cours des dernières 24 heures ; réessayez plus tard.
        [many] Cet utilisateur a déjà reçu { $max } e-mails de réinitialisation au cours des dernières 24 heures ; réessayez plus tard.
       *[other] Cet utilisateur a déjà reçu { $max } e-mails de réinitialisation au cours des dernières 24 heures ; réessayez plus tard.
    }
# $recipient: where the email was going
refusal-mail-failed = L’e-mail n’a pas pu être envoyé à { $recipient } ; aucune réinitialisation n’est en attente.
refusal-password-not-saved = Votre nouveau mot de passe n’a pas pu être enregistré. Demandez à votre administrateur de vous envoyer un nouvel e-mail de réinitialisation.
refusal-hashing = Votre nouveau mot de passe n’a pas pu être enregistré. Réessayez dans un instant.
refusal-unavailable = Le service de réinitialisation des mots de passe est momentanément indisponible. Réessayez dans un instant.
refusal-breach-check-unavailable = Votre nouveau mot de passe n’a pas pu être comparé aux fuites de données connues pour le moment. Réessayez dans un instant.

## Requests the pages could not read

cross-site-refused = Les requêtes intersites ne sont pas acceptées.
request-too-large = La requête est trop volumineuse.
missing-purpose = Indiquez l’e-mail à envoyer : réinitialisation ou création du mot de passe.
unknown-purpose = Le type d’e-mail doit être « reset » ou « create ».
form-wrong-type = Le formulaire doit être envoyé au format application/x-www-form-urlencoded.
form-empty = Le formulaire était vide.
form-malformed = Le formulaire n’a pas pu être lu : ses données ne sont pas des données de formulaire UTF-8 valides.
form-repeated = Le formulaire n’a pas pu être lu : un champ a été envoyé plusieurs fois.
form-too-many = Le formulaire n’a pas pu être lu : il contient trop de champs.
too-many-strength-checks = Trop de vérifications de robustesse pour ce lien ; patientez une minute.

## The admin's answers

# $purpose: reset or create; $recipient: the user's username
sent =
    { $purpose ->
        [create] Un e-mail de création de mot de passe a été envoyé à { $recipient }.
       *[reset] Un e-mail de réinitialisation du mot de passe a été envoyé à { $recipient }.
    }
# $recipient: the user's username
cancelled = L’e-mail de mot de passe envoyé à { $recipient } a été annulé ; son lien et son code ne fonctionnent plus.

## The admin's view of a user's reset

status-heading = Réinitialisation du mot de passe
status-none = Aucun e-mail de mot de passe n’a été envoyé à cet utilisateur.
# $time: when it stops working
status-expires = Le lien et le code sont valables jusqu’au { $time }.
recent-activity = Activité récente
cancel-reset = Annuler la réinitialisation
# $purpose: reset or create; $to: the username; $by: the admin; $time: when
status-sent =
    { $purpose ->
        [create] E-mail de création de mot de passe envoyé à { $to } par { $by } le { $time }.
       *[reset] E-mail de réinitialisation envoyé à { $to } par { $by } le { $time }.
    }
# $state: issued, completed, expired, locked, superseded, revoked or cancelled
request-state =
    { $state ->
        [issued] En attente de l’utilisateur
        [completed] Terminée
        [expired] Expirée
        [locked] Verrouillée après trop de codes erronés
        [superseded] Remplacée par un e-mail plus récent
        [revoked] Retirée : l’e-mail n’a pas pu être envoyé
       *[cancelled] Annulée
    }
# $state: as above; $time: when it ended; $attempts: wrong codes (locked only)
status-ended =
    { $state ->
        [completed] Terminée le { $time }.
        [expired] Expirée le { $time }.
        [locked] Verrouillée le { $time } (codes erronés : { $attempts }).
        [superseded] Remplacée le { $time }.
        [revoked] Retirée le { $time }.
       *[cancelled] Annulée le { $time }.
    }
# $kind: what happened; $by: the admin who acted, where one did
password-event =
    { $kind ->
        [issued-reset] E-mail de réinitialisation envoyé par { $by }
        [issued-create] E-mail de création de mot de passe envoyé par { $by }
        [mail-failed] L’e-mail n’a pas pu être envoyé
        [superseded] Un lien précédent a été remplacé par un e-mail plus récent
        [wrong-code] Un code erroné a été saisi
        [locked] Verrouillée après trop de codes erronés
        [completed] Nouveau mot de passe défini
        [password-not-saved] Le nouveau mot de passe n’a pas pu être enregistré
        [hook-failed] Échec de la déconnexion des autres sessions de l’utilisateur
        [notice-failed] L’e-mail « Mot de passe modifié » n’a pas pu être envoyé
        [notice-sent] E-mail « Mot de passe modifié » envoyé
        [expired] Le lien a expiré sans avoir servi
       *[cancelled] Annulée par { $by }
    }

## Times

# $time: a date and time in the language's own style
time-utc = { $time } (UTC)

## The reset email

# $purpose: reset or create; $username: the account
reset-email-subject =
    { $purpose ->
        [create] Créez votre mot de passe { $product } ({ $username })
       *[reset] Réinitialisez votre mot de passe { $product } ({ $username })
    }
# $name: the person's name
email-greeting = Bonjour { $name },
# $purpose: reset or create; $username: the account
reset-email-intro =
    { $purpose ->
        [create] Un administrateur a créé votre compte { $product } (identifiant : { $username }). Aucun mot de passe n’est encore défini.
       *[reset] Un administrateur a demandé la réinitialisation du mot de passe de votre compte { $product } (identifiant : { $username }).
    }
# $purpose: reset or create
reset-email-open-link =
    { $purpose ->
        [create] Pour créer votre mot de passe, ouvrez ce lien :
       *[reset] Pour choisir un nouveau mot de passe, ouvrez ce lien :
    }
reset-email-enter-code = puis saisissez ce code :
# $purpose: reset or create
reset-email-html-instructions =
    { $purpose ->
        [create] Pour créer votre mot de passe, ouvrez le lien ci-dessous et saisissez ce code :
       *[reset] Pour choisir un nouveau mot de passe, ouvrez le lien ci-dessous et saisissez ce code :
    }
# $purpose: reset or create
reset-email-button =
    { $purpose ->
        [create] Créer le mot de passe
       *[reset] Réinitialiser le mot de passe
    }
reset-email-link-fallback = Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur :
# $time: when the link and code stop working
reset-email-validity = Le lien et le code ne peuvent servir qu’une seule fois, jusqu’au { $time }.
# $name: the person's name; $username: the account
reset-email-footer = Cet e-mail est destiné à { $name } ({ $username }). Si vous ne l’attendiez pas, contactez votre administrateur ; ne communiquez ce code à personne.

## The "password changed" notice

# $username: the account
notice-subject = Votre mot de passe { $product } a été modifié ({ $username })
# $username: the account; $time: when
notice-body = Le mot de passe de votre compte { $product } (identifiant : { $username }) a été modifié le { $time } à l’aide d’un e-mail de réinitialisation.
notice-warning = Si vous n’êtes pas à l’origine de cette modification, contactez immédiatement votre administrateur.

## The strength meter's advice (zxcvbn's feedback)

feedback-straight-rows = Les rangées de touches consécutives sont faciles à deviner.
feedback-short-keyboard-patterns = Les motifs de clavier courts sont faciles à deviner.
feedback-repeats-like-aaa = Les répétitions comme « aaa » sont faciles à deviner.
feedback-repeats-like-abcabc = Les répétitions comme « abcabcabc » sont à peine plus difficiles à deviner que « abc ».
feedback-top-10 = Ce mot de passe fait partie des 10 plus courants.
feedback-top-100 = Ce mot de passe fait partie des 100 plus courants.
feedback-common-password = Ce mot de passe est très courant.
feedback-similar-to-common = Ce mot de passe ressemble à un mot de passe très utilisé.
feedback-sequences = Les suites comme abc ou 6543 sont faciles à deviner.
feedback-recent-years = Les années récentes sont faciles à deviner.
feedback-word-by-itself = Un mot seul est facile à deviner.
feedback-dates = Les dates sont souvent faciles à deviner.
feedback-names-by-themselves = Les prénoms et les noms de famille seuls sont faciles à deviner.
feedback-common-names = Les prénoms et les noms de famille courants sont faciles à deviner.
feedback-use-a-few-words = Utilisez plusieurs mots, en évitant les expressions courantes.
feedback-no-need-for-symbols = Inutile d’ajouter des symboles, des chiffres ou des majuscules.
feedback-add-another-word = Ajoutez un ou deux mots. Les mots peu courants sont préférables.
feedback-capitalization = Les majuscules n’aident pas beaucoup.
feedback-all-uppercase = Tout en majuscules, un mot de passe est presque aussi facile à deviner que tout en minuscules.
feedback-reversed-words = Les mots écrits à l’envers ne sont guère plus difficiles à deviner.
feedback-predictable-substitutions = Les substitutions prévisibles, comme « @ » au lieu de « a », n’aident pas beaucoup.
feedback-longer-keyboard-pattern = Utilisez un motif de clavier plus long, avec davantage de changements de direction.
feedback-avoid-repeats = Évitez de répéter des mots et des caractères.
feedback-avoid-sequences = Évitez les suites.
feedback-avoid-recent-years = Évitez les années récentes.
feedback-avoid-associated-years = Évitez les années qui vous sont associées.
feedback-avoid-associated-dates = Évitez les dates et les années qui vous sont associées.
