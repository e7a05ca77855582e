# inzant-reset: every word a person reads, in English (the default language).
#
# Variables every message may use: $product (the product's name, from the
# service's `Product`). Others are listed above each message that takes them.
# Times ($time) arrive formatted for the language; numbers select plurals.

## The language itself

# This language's own name, shown in the reset page's language switch.
language-name = English
# The label of the language switch.
language-switch = Language

## Page titles

# $page: the page's own heading
page-title = { $page } – { $product }

## The reset form

reset-heading = Reset your password
create-heading = Create your password
# $name: the person's name; $username: their username
form-intro = For { $name } ({ $username }). Enter the 6-digit code from the email, then choose a new password.
code-label = Code
code-help = The 6 digits from the email.
new-password-label = New Password
confirm-password-label = Confirm New Password
save-button = Save New Password
passwords-match = Passwords match
# $time: when the link and code stop working
works-until = This link and code work until { $time }.
# $count: wrong codes still allowed
attempts-left =
    { $count ->
        [one] { $count } code attempt left.
       *[other] { $count } code attempts left.
    }

## Strength meter

strength-too-weak = Too Weak
strength-weak = Weak
strength-acceptable = Acceptable
strength-good = Good
strength-strong = Strong

## Password rules, listed under the password field

# $min: the fewest characters allowed
rule-min-length =
    { $min ->
        [one] At least { $min } character
       *[other] At least { $min } characters
    }
# $max: the most characters allowed
rule-max-length =
    { $max ->
        [one] At most { $max } character
       *[other] At most { $max } characters
    }
rule-uppercase = An upper-case letter
rule-lowercase = A lower-case letter
rule-digit = A number
rule-symbol = A symbol, such as ! or #
rule-no-user-details = Not your name or username
rule-no-control-characters = No tabs, line breaks or other control characters
# Listed only when the service has a breach source.
rule-not-breached = Not found in known data breaches

## Pages for links that cannot be used, and for failures

dead-link-title = Reset link not usable
dead-link-heading = This link cannot be used
unavailable-title = Service unavailable
unavailable-heading = Something went wrong
bad-form-title = Form not accepted
bad-form-heading = The form could not be read
bad-form-help = Go back to the reset page from the link in your email and try again.
next-step-new-email = Ask your administrator to send a new reset email, then use the link in that email.
next-step-newest-email = Only the most recent reset email works.

## After saving: device users' page

device-done-title = Password saved
device-done-heading = Your new password is set
# $apps: the apps device users sign in to, as a list ("A or B")
device-done-message = Use your new password to sign in to { $apps }.
device-done-note = Device users cannot sign in to this website; there is nothing more to do here.

## Refusals: why something was not done

# $count: wrong codes still allowed
refusal-incorrect-code =
    { $count ->
        [one] The code is incorrect. { $count } attempt left.
       *[other] The code is incorrect. { $count } attempts left.
    }
refusal-locked = Too many incorrect codes. Ask your administrator to send a new reset email.
refusal-expired = This reset link has expired.
refusal-already-used = This reset link has already been used.
refusal-superseded = A newer reset email has been sent; use the link in that one.
refusal-revoked = This reset link has been cancelled.
refusal-cancelled = This link was cancelled by your administrator. Ask them for a new email if you still need to set your password.
refusal-unknown-link = This reset link is not valid.
refusal-invalid-code = Enter the 6-digit code from the email.
refusal-invalid-characters = Passwords cannot contain control characters.
refusal-passwords-differ = The passwords do not match.
# $level: the strength label the password got
refusal-too-weak = The new password is not strong enough yet: it is rated “{ $level }”.
# The password was found in known data breaches (Pwned Passwords).
refusal-breached = This password has appeared in a data breach; choose another.
# $max: the most characters allowed
refusal-too-long = Passwords can be at most { $max } characters.
# $action: send, status or cancel
refusal-not-allowed =
    { $action ->
        [send] You may not send a password email to this user.
        [status] You may not see this user's password resets.
       *[cancel] You may not cancel this user's password reset.
    }
refusal-unknown-user = That user does not exist.
# $name: the user's name
refusal-has-password = { $name } already has a password; use Reset Password.
refusal-nothing-to-cancel = There is no reset waiting for this user to cancel.
# $seconds: how long to wait
refusal-cooldown =
    { $seconds ->
        [one] A reset email was sent to this user moments ago; try again in { $seconds } second.
       *[other] A reset email was sent to this user moments ago; try again in { $seconds } seconds.
    }
# $max: the daily cap
refusal-daily-limit = This user has been sent { $max } reset emails in the last 24 hours; try again later.
# $recipient: where the email was going
refusal-mail-failed = The email could not be sent to { $recipient }; no reset is pending.
refusal-password-not-saved = Your new password could not be saved. Ask your administrator to send a new reset email.
refusal-hashing = Your new password could not be saved. Try again in a moment.
refusal-unavailable = The password reset service is unavailable right now. Try again in a moment.
# The breach source could not answer and the host refuses without it.
refusal-breach-check-unavailable = Your new password could not be checked against known data breaches just now. Try again in a moment.

## Requests the pages could not read

cross-site-refused = Cross-site requests are not accepted.
request-too-large = The request is too large.
missing-purpose = Say which email to send: a password reset or a create-password email.
unknown-purpose = The purpose must be reset or create.
form-wrong-type = The form must be sent as application/x-www-form-urlencoded.
form-empty = The form was empty.
form-malformed = The form could not be read: it is not valid UTF-8 form data.
form-repeated = The form could not be read: a field was sent more than once.
form-too-many = The form could not be read: it has too many fields.
too-many-strength-checks = Too many strength checks for this link; wait a minute.

## The admin's answers

# $purpose: reset or create; $recipient: the user's username
sent =
    { $purpose ->
        [create] A create password email was sent to { $recipient }.
       *[reset] A password reset email was sent to { $recipient }.
    }
# $recipient: the user's username
cancelled = The password email to { $recipient } was cancelled; its link and code no longer work.

## The admin's view of a user's reset

status-heading = Password reset
status-none = No password email has been sent to this user.
# $time: when it stops working
status-expires = The link and code work until { $time }.
recent-activity = Recent activity
cancel-reset = Cancel Reset
# $purpose: reset or create; $to: the username; $by: the admin; $time: when
status-sent =
    { $purpose ->
        [create] Create password email sent to { $to } by { $by } at { $time }.
       *[reset] Reset email sent to { $to } by { $by } at { $time }.
    }
# $state: issued, completed, expired, locked, superseded, revoked or cancelled
request-state =
    { $state ->
        [issued] Waiting for the user
        [completed] Completed
        [expired] Expired
        [locked] Locked after too many wrong codes
        [superseded] Replaced by a newer email
        [revoked] Withdrawn: the email could not be sent
       *[cancelled] Cancelled
    }
# $state: as above; $time: when it ended; $attempts: wrong codes (locked only)
status-ended =
    { $state ->
        [completed] Completed at { $time }.
        [expired] Expired at { $time }.
        [locked] Locked at { $time } after { $attempts } wrong codes.
        [superseded] Replaced at { $time }.
        [revoked] Withdrawn at { $time }.
       *[cancelled] Cancelled at { $time }.
    }
# $kind: what happened; $by: the admin who acted, where one did
password-event =
    { $kind ->
        [issued-reset] Reset email sent by { $by }
        [issued-create] Create password email sent by { $by }
        [mail-failed] The email could not be sent
        [superseded] An earlier link was replaced by a newer email
        [wrong-code] A wrong code was entered
        [locked] Locked after too many wrong codes
        [completed] New password set
        [password-not-saved] The new password could not be saved
        [hook-failed] Signing the user out elsewhere failed
        [notice-failed] The password-changed email could not be sent
        [notice-sent] Password-changed email sent
        [expired] The link expired unused
       *[cancelled] Cancelled by { $by }
    }

## Times

# $time: a date and time in the language's own style
time-utc = { $time } (UTC)

## The reset email

# $purpose: reset or create; $username: the account
reset-email-subject =
    { $purpose ->
        [create] Create your { $product } password ({ $username })
       *[reset] Reset your { $product } password ({ $username })
    }
# $name: the person's name
email-greeting = Hello { $name },
# $purpose: reset or create; $username: the account
reset-email-intro =
    { $purpose ->
        [create] An administrator has set up your { $product } account, { $username }. It has no password yet.
       *[reset] An administrator has asked for the password of your { $product } account, { $username }, to be reset.
    }
# $purpose: reset or create
reset-email-open-link =
    { $purpose ->
        [create] To create your password, open this link:
       *[reset] To choose a new password, open this link:
    }
reset-email-enter-code = and enter this code:
# $purpose: reset or create
reset-email-html-instructions =
    { $purpose ->
        [create] To create your password, open the link below and enter this code:
       *[reset] To choose a new password, open the link below and enter this code:
    }
# $purpose: reset or create
reset-email-button =
    { $purpose ->
        [create] Create Password
       *[reset] Reset Password
    }
reset-email-link-fallback = If the button does not work, copy this link into your browser:
# $time: when the link and code stop working
reset-email-validity = The link and code work once, until { $time }.
# $name: the person's name; $username: the account
reset-email-footer = This email is for { $name } ({ $username }). If you didn't expect it, contact your administrator; do not share the code with anyone.

## The "password changed" notice

# $username: the account
notice-subject = Your { $product } password was changed ({ $username })
# $username: the account; $time: when
notice-body = The password of your { $product } account, { $username }, was changed on { $time } using a reset email.
notice-warning = If you did not change it, contact your administrator now.

## The strength meter's advice (zxcvbn's feedback)

feedback-straight-rows = Straight rows of keys are easy to guess.
feedback-short-keyboard-patterns = Short keyboard patterns are easy to guess.
feedback-repeats-like-aaa = Repeats like “aaa” are easy to guess.
feedback-repeats-like-abcabc = Repeats like “abcabcabc” are only slightly harder to guess than “abc”.
feedback-top-10 = This is a top-10 common password.
feedback-top-100 = This is a top-100 common password.
feedback-common-password = This is a very common password.
feedback-similar-to-common = This is similar to a commonly used password.
feedback-sequences = Sequences like abc or 6543 are easy to guess.
feedback-recent-years = Recent years are easy to guess.
feedback-word-by-itself = A word by itself is easy to guess.
feedback-dates = Dates are often easy to guess.
feedback-names-by-themselves = Names and surnames by themselves are easy to guess.
feedback-common-names = Common names and surnames are easy to guess.
feedback-use-a-few-words = Use a few words, avoid common phrases.
feedback-no-need-for-symbols = No need for symbols, digits, or uppercase letters.
feedback-add-another-word = Add another word or two. Uncommon words are better.
feedback-capitalization = Capitalization doesn't help very much.
feedback-all-uppercase = All-uppercase is almost as easy to guess as all-lowercase.
feedback-reversed-words = Reversed words aren't much harder to guess.
feedback-predictable-substitutions = Predictable substitutions like '@' instead of 'a' don't help very much.
feedback-longer-keyboard-pattern = Use a longer keyboard pattern with more turns.
feedback-avoid-repeats = Avoid repeated words and characters.
feedback-avoid-sequences = Avoid sequences.
feedback-avoid-recent-years = Avoid recent years.
feedback-avoid-associated-years = Avoid years that are associated with you.
feedback-avoid-associated-dates = Avoid dates and years that are associated with you.
