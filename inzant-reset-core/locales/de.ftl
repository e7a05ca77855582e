# inzant-reset: every word a person reads, in German.
#
# Variables every message may use: $product (the product's name, from the
# service's `Product`). Others are listed above each message that takes them.
# Times ($time) arrive formatted for the language; numbers select plurals.

## The language itself

# This language's own name, shown in the reset page's language switch.
language-name = Deutsch
# The label of the language switch.
language-switch = Sprache

## Page titles

# $page: the page's own heading
page-title = { $page } – { $product }

## The reset form

reset-heading = Passwort zurücksetzen
create-heading = Passwort festlegen
# $name: the person's name; $username: their username
form-intro = Für { $name } ({ $username }). Geben Sie den 6-stelligen Code aus der E-Mail ein und wählen Sie dann ein neues Passwort.
code-label = Code
code-help = Die 6 Ziffern aus der E-Mail.
new-password-label = Neues Passwort
confirm-password-label = Neues Passwort bestätigen
save-button = Neues Passwort speichern
passwords-match = Passwörter stimmen überein
# $time: when the link and code stop working
works-until = Link und Code sind gültig bis { $time }.
# $count: wrong codes still allowed
attempts-left =
    { $count ->
        [one] Noch { $count } Versuch für den Code.
       *[other] Noch { $count } Versuche für den Code.
    }

## Strength meter

strength-too-weak = Zu schwach
strength-weak = Schwach
strength-acceptable = Akzeptabel
strength-good = Gut
strength-strong = Stark

## Password rules, listed under the password field

# $min: the fewest characters allowed
rule-min-length =
    { $min ->
        [one] Mindestens { $min } Zeichen
       *[other] Mindestens { $min } Zeichen
    }
# $max: the most characters allowed
rule-max-length =
    { $max ->
        [one] Höchstens { $max } Zeichen
       *[other] Höchstens { $max } Zeichen
    }
rule-uppercase = Ein Großbuchstabe
rule-lowercase = Ein Kleinbuchstabe
rule-digit = Eine Ziffer
rule-symbol = Ein Sonderzeichen wie ! oder #
rule-no-user-details = Weder Ihr Name noch Ihr Benutzername
rule-no-control-characters = Keine Tabulatoren, Zeilenumbrüche oder anderen Steuerzeichen
rule-not-breached = Nicht in bekannten Datenlecks enthalten

## Pages for links that cannot be used, and for failures

dead-link-title = Link zum Zurücksetzen nicht verwendbar
dead-link-heading = Dieser Link kann nicht verwendet werden
unavailable-title = Dienst nicht verfügbar
unavailable-heading = Ein Fehler ist aufgetreten
bad-form-title = Formular nicht angenommen
bad-form-heading = Das Formular konnte nicht gelesen werden
bad-form-help = Öffnen Sie die Seite zum Zurücksetzen erneut über den Link in Ihrer E-Mail und versuchen Sie es noch einmal.
next-step-new-email = Bitten Sie Ihren Administrator, Ihnen eine neue E-Mail zum Zurücksetzen zu senden, und verwenden Sie dann den Link in dieser E-Mail.
next-step-newest-email = Nur die zuletzt gesendete E-Mail zum Zurücksetzen ist gültig.

## After saving: device users' page

device-done-title = Passwort gespeichert
device-done-heading = Ihr neues Passwort ist festgelegt
# $apps: the apps device users sign in to, as a list ("A or B")
device-done-message = Melden Sie sich mit Ihrem neuen Passwort bei { $apps } an.
device-done-note = Gerätebenutzer können sich nicht auf dieser Website anmelden; hier ist nichts weiter zu tun.

## Refusals: why something was not done

# $count: wrong codes still allowed
refusal-incorrect-code =
    { $count ->
        [one] Der Code ist falsch. Noch { $count } Versuch.
       *[other] Der Code ist falsch. Noch { $count } Versuche.
    }
refusal-locked = Zu viele falsche Codes. Bitten Sie Ihren Administrator, Ihnen eine neue E-Mail zum Zurücksetzen zu senden.
refusal-expired = Dieser Link zum Zurücksetzen ist abgelaufen.
refusal-already-used = Dieser Link zum Zurücksetzen wurde bereits verwendet.
refusal-superseded = Es wurde eine neuere E-Mail zum Zurücksetzen gesendet; verwenden Sie den Link in dieser E-Mail.
refusal-revoked = Dieser Link zum Zurücksetzen wurde widerrufen.
refusal-cancelled = Ihr Administrator hat diesen Link widerrufen. Bitten Sie ihn um eine neue E-Mail, falls Sie Ihr Passwort noch festlegen müssen.
refusal-unknown-link = Dieser Link zum Zurücksetzen ist ungültig.
refusal-invalid-code = Geben Sie den 6-stelligen Code aus der E-Mail ein.
refusal-invalid-characters = Passwörter dürfen keine Steuerzeichen enthalten.
refusal-passwords-differ = Die Passwörter stimmen nicht überein.
# $level: the strength label the password got
refusal-too-weak = Das neue Passwort ist noch nicht sicher genug: Es wird als „{ $level }“ eingestuft.
refusal-breached = Dieses Passwort ist in einem Datenleck aufgetaucht; wählen Sie ein anderes.
# $max: the most characters allowed
refusal-too-long = Passwörter dürfen höchstens { $max } Zeichen lang sein.
# $action: send, status or cancel
refusal-not-allowed =
    { $action ->
        [send] Sie dürfen diesem Benutzer keine Passwort-E-Mail senden.
        [status] Sie dürfen die Passwort-Zurücksetzungen dieses Benutzers nicht einsehen.
       *[cancel] Sie dürfen die Passwort-Zurücksetzung dieses Benutzers nicht widerrufen.
    }
refusal-unknown-user = Diesen Benutzer gibt es nicht.
# $name: the user's name
refusal-has-password = { $name } hat bereits ein Passwort; verwenden Sie „Passwort zurücksetzen“.
refusal-nothing-to-cancel = Für diesen Benutzer steht keine Zurücksetzung aus, die widerrufen werden könnte.
# $seconds: how long to wait
refusal-cooldown =
    { $seconds ->
        [one] Diesem Benutzer wurde gerade erst eine E-Mail zum Zurücksetzen gesendet; versuchen Sie es in { $seconds } Sekunde erneut.
       *[other] Diesem Benutzer wurde gerade erst eine E-Mail zum Zurücksetzen gesendet; versuchen Sie es in { $seconds } Sekunden erneut.
    }
# $max: the daily cap
refusal-daily-limit =
    { $max ->
        [one] Diesem Benutzer wurde in den letzten 24 Stunden bereits { $max } E-Mail zum Zurücksetzen gesendet; versuchen Sie es später erneut.
       *[other] Diesem Benutzer wurden in den letzten 24 Stunden bereits { $max } E-Mails zum Zurücksetzen gesendet; versuchen Sie es später erneut.
    }
# $recipient: where the email was going
refusal-mail-failed = Die E-Mail an { $recipient } konnte nicht gesendet werden; es steht keine Zurücksetzung aus.
refusal-password-not-saved = Ihr neues Passwort konnte nicht gespeichert werden. Bitten Sie Ihren Administrator, Ihnen eine neue E-Mail zum Zurücksetzen zu senden.
refusal-hashing = Ihr neues Passwort konnte nicht gespeichert werden. Versuchen Sie es gleich noch einmal.
refusal-unavailable = Der Dienst zum Zurücksetzen von Passwörtern ist derzeit nicht verfügbar. Versuchen Sie es gleich noch einmal.
refusal-breach-check-unavailable = Ihr neues Passwort konnte gerade nicht mit bekannten Datenlecks abgeglichen werden. Versuchen Sie es gleich noch einmal.

## Requests the pages could not read

cross-site-refused = Websiteübergreifende Anfragen werden nicht akzeptiert.
request-too-large = Die Anfrage ist zu groß.
missing-purpose = Geben Sie an, welche E-Mail gesendet werden soll: eine E-Mail zum Zurücksetzen oder zum Festlegen des Passworts.
unknown-purpose = Der Zweck muss „reset“ oder „create“ sein.
form-wrong-type = Das Formular muss als application/x-www-form-urlencoded gesendet werden.
form-empty = Das Formular war leer.
form-malformed = Das Formular konnte nicht gelesen werden: Es enthält keine gültigen UTF-8-Formulardaten.
form-repeated = Das Formular konnte nicht gelesen werden: Ein Feld wurde mehrfach gesendet.
form-too-many = Das Formular konnte nicht gelesen werden: Es enthält zu viele Felder.
too-many-strength-checks = Zu viele Stärkeprüfungen für diesen Link; bitte warten Sie eine Minute.

## The admin's answers

# $purpose: reset or create; $recipient: the user's username
sent =
    { $purpose ->
        [create] Eine E-Mail zum Festlegen des Passworts wurde an { $recipient } gesendet.
       *[reset] Eine E-Mail zum Zurücksetzen des Passworts wurde an { $recipient } gesendet.
    }
# $recipient: the user's username
cancelled = Die Passwort-E-Mail an { $recipient } wurde widerrufen; Link und Code funktionieren nicht mehr.

## The admin's view of a user's reset

status-heading = Passwort-Zurücksetzung
status-none = Diesem Benutzer wurde noch keine Passwort-E-Mail gesendet.
# $time: when it stops working
status-expires = Link und Code sind gültig bis { $time }.
recent-activity = Letzte Aktivitäten
cancel-reset = Zurücksetzung widerrufen
# $purpose: reset or create; $to: the username; $by: the admin; $time: when
status-sent =
    { $purpose ->
        [create] E-Mail zum Festlegen des Passworts am { $time } von { $by } an { $to } gesendet.
       *[reset] E-Mail zum Zurücksetzen am { $time } von { $by } an { $to } gesendet.
    }
# $state: issued, completed, expired, locked, superseded, revoked or cancelled
request-state =
    { $state ->
        [issued] Wartet auf den Benutzer
        [completed] Abgeschlossen
        [expired] Abgelaufen
        [locked] Nach zu vielen falschen Codes gesperrt
        [superseded] Durch eine neuere E-Mail ersetzt
        [revoked] Zurückgezogen: Die E-Mail konnte nicht gesendet werden
       *[cancelled] Widerrufen
    }
# $state: as above; $time: when it ended; $attempts: wrong codes (locked only)
status-ended =
    { $state ->
        [completed] Abgeschlossen am { $time }.
        [expired] Abgelaufen am { $time }.
        [locked] Gesperrt am { $time } (falsche Codes: { $attempts }).
        [superseded] Ersetzt am { $time }.
        [revoked] Zurückgezogen am { $time }.
       *[cancelled] Widerrufen am { $time }.
    }
# $kind: what happened; $by: the admin who acted, where one did
password-event =
    { $kind ->
        [issued-reset] E-Mail zum Zurücksetzen von { $by } gesendet
        [issued-create] E-Mail zum Festlegen des Passworts von { $by } gesendet
        [mail-failed] Die E-Mail konnte nicht gesendet werden
        [superseded] Ein früherer Link wurde durch eine neuere E-Mail ersetzt
        [wrong-code] Ein falscher Code wurde eingegeben
        [locked] Nach zu vielen falschen Codes gesperrt
        [completed] Neues Passwort festgelegt
        [password-not-saved] Das neue Passwort konnte nicht gespeichert werden
        [hook-failed] Abmelden des Benutzers an anderer Stelle fehlgeschlagen
        [notice-failed] Die E-Mail „Passwort geändert“ konnte nicht gesendet werden
        [notice-sent] E-Mail „Passwort geändert“ gesendet
        [expired] Der Link ist ungenutzt abgelaufen
       *[cancelled] Von { $by } widerrufen
    }

## Times

# $time: a date and time in the language's own style
time-utc = { $time } (UTC)

## The reset email

# $purpose: reset or create; $username: the account
reset-email-subject =
    { $purpose ->
        [create] Passwort für { $product } festlegen ({ $username })
       *[reset] Passwort für { $product } zurücksetzen ({ $username })
    }
# $name: the person's name
email-greeting = Guten Tag { $name },
# $purpose: reset or create; $username: the account
reset-email-intro =
    { $purpose ->
        [create] ein Administrator hat Ihr Konto { $username } bei { $product } eingerichtet. Es hat noch kein Passwort.
       *[reset] ein Administrator hat veranlasst, dass das Passwort Ihres Kontos { $username } bei { $product } zurückgesetzt wird.
    }
# $purpose: reset or create
reset-email-open-link =
    { $purpose ->
        [create] Um Ihr Passwort festzulegen, öffnen Sie diesen Link:
       *[reset] Um ein neues Passwort zu wählen, öffnen Sie diesen Link:
    }
reset-email-enter-code = und geben Sie diesen Code ein:
# $purpose: reset or create
reset-email-html-instructions =
    { $purpose ->
        [create] Um Ihr Passwort festzulegen, öffnen Sie den folgenden Link und geben Sie diesen Code ein:
       *[reset] Um ein neues Passwort zu wählen, öffnen Sie den folgenden Link und geben Sie diesen Code ein:
    }
# $purpose: reset or create
reset-email-button =
    { $purpose ->
        [create] Passwort festlegen
       *[reset] Passwort zurücksetzen
    }
reset-email-link-fallback = Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link in Ihren Browser:
# $time: when the link and code stop working
reset-email-validity = Link und Code können einmal verwendet werden und sind gültig bis { $time }.
# $name: the person's name; $username: the account
reset-email-footer = Diese E-Mail ist für { $name } ({ $username }) bestimmt. Falls Sie sie nicht erwartet haben, wenden Sie sich an Ihren Administrator; geben Sie den Code an niemanden weiter.

## The "password changed" notice

# $username: the account
notice-subject = Ihr Passwort für { $product } wurde geändert ({ $username })
# $username: the account; $time: when
notice-body = das Passwort Ihres Kontos { $username } bei { $product } wurde am { $time } über eine E-Mail zum Zurücksetzen geändert.
notice-warning = Falls Sie es nicht selbst geändert haben, wenden Sie sich umgehend an Ihren Administrator.

## The strength meter's advice (zxcvbn's feedback)

feedback-straight-rows = Gerade Tastenreihen sind leicht zu erraten.
feedback-short-keyboard-patterns = Kurze Tastaturmuster sind leicht zu erraten.
feedback-repeats-like-aaa = Wiederholungen wie „aaa“ sind leicht zu erraten.
feedback-repeats-like-abcabc = Wiederholungen wie „abcabcabc“ sind kaum schwerer zu erraten als „abc“.
feedback-top-10 = Dies ist eines der 10 häufigsten Passwörter.
feedback-top-100 = Dies ist eines der 100 häufigsten Passwörter.
feedback-common-password = Dies ist ein sehr häufig verwendetes Passwort.
feedback-similar-to-common = Dies ähnelt einem häufig verwendeten Passwort.
feedback-sequences = Folgen wie abc oder 6543 sind leicht zu erraten.
feedback-recent-years = Jahreszahlen der letzten Jahre sind leicht zu erraten.
feedback-word-by-itself = Ein einzelnes Wort ist leicht zu erraten.
feedback-dates = Datumsangaben sind oft leicht zu erraten.
feedback-names-by-themselves = Vor- und Nachnamen allein sind leicht zu erraten.
feedback-common-names = Häufige Vor- und Nachnamen sind leicht zu erraten.
feedback-use-a-few-words = Verwenden Sie mehrere Wörter, aber keine gängigen Redewendungen.
feedback-no-need-for-symbols = Sonderzeichen, Ziffern oder Großbuchstaben sind nicht nötig.
feedback-add-another-word = Fügen Sie ein oder zwei weitere Wörter hinzu. Ungewöhnliche Wörter sind besser.
feedback-capitalization = Großschreibung hilft nur wenig.
feedback-all-uppercase = Nur Großbuchstaben sind fast so leicht zu erraten wie nur Kleinbuchstaben.
feedback-reversed-words = Rückwärts geschriebene Wörter sind kaum schwerer zu erraten.
feedback-predictable-substitutions = Vorhersehbare Ersetzungen wie „@“ statt „a“ helfen nur wenig.
feedback-longer-keyboard-pattern = Verwenden Sie ein längeres Tastaturmuster mit mehr Richtungswechseln.
feedback-avoid-repeats = Vermeiden Sie wiederholte Wörter und Zeichen.
feedback-avoid-sequences = Vermeiden Sie Zeichenfolgen.
feedback-avoid-recent-years = Vermeiden Sie Jahreszahlen der letzten Jahre.
feedback-avoid-associated-years = Vermeiden Sie Jahreszahlen, die mit Ihnen in Verbindung stehen.
feedback-avoid-associated-dates = Vermeiden Sie Daten und Jahreszahlen, die mit Ihnen in Verbindung stehen.
