//! Fixed pieces of page copy, and zxcvbn's English feedback, by message id.

/// A fixed piece of page copy: a message without variables of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Text {
    /// Heading of the reset form: "Reset your password".
    ResetHeading,
    /// Heading of the create-password form: "Create your password".
    CreateHeading,
    /// Label of the code field: "Code".
    CodeLabel,
    /// Hint under the code field.
    CodeHelp,
    /// Label of the first password field: "New Password".
    NewPasswordLabel,
    /// Label of the confirmation field: "Confirm New Password".
    ConfirmPasswordLabel,
    /// The submit button: "Save New Password".
    SaveButton,
    /// Shown live when both password fields match.
    PasswordsMatch,
    /// Title of the page for a link that cannot be used.
    DeadLinkTitle,
    /// Heading of that page.
    DeadLinkHeading,
    /// Title of the page for a failure on the server's side.
    UnavailableTitle,
    /// Heading of that page.
    UnavailableHeading,
    /// Title of the page for a form that could not be read.
    BadFormTitle,
    /// Heading of that page.
    BadFormHeading,
    /// What to do about it.
    BadFormHelp,
    /// Title of the device users' page after saving.
    DeviceDoneTitle,
    /// Heading of that page.
    DeviceDoneHeading,
    /// Where to use the new password: the product's apps.
    DeviceDoneMessage,
    /// Why there is nothing more to do on the website.
    DeviceDoneNote,
    /// An admin request from another site was refused.
    CrossSiteRefused,
    /// An admin request body was too large.
    RequestTooLarge,
    /// An admin trigger that did not say which email to send.
    MissingPurpose,
    /// An admin trigger named a purpose other than reset or create.
    UnknownPurpose,
    /// A form that is not `application/x-www-form-urlencoded`.
    FormWrongType,
    /// A form with no body.
    FormEmpty,
    /// A form that is not valid UTF-8 form data.
    FormMalformed,
    /// A form with a field sent twice.
    FormRepeated,
    /// A form with too many fields.
    FormTooMany,
    /// Too many strength checks on one link.
    TooManyStrengthChecks,
    /// Heading of the admin's panel on a user's page.
    StatusHeading,
    /// The panel when no reset was ever sent.
    StatusNone,
    /// Heading of the recent password events.
    RecentActivity,
    /// The admin's button that cancels a live reset.
    CancelReset,
    /// The language's own name, in the language switch: "Deutsch".
    LanguageName,
    /// The language switch's label: "Language".
    LanguageSwitch,
}

impl Text {
    /// Every text, for checks that walk them all.
    pub const ALL: [Text; 35] = [
        Text::ResetHeading,
        Text::CreateHeading,
        Text::CodeLabel,
        Text::CodeHelp,
        Text::NewPasswordLabel,
        Text::ConfirmPasswordLabel,
        Text::SaveButton,
        Text::PasswordsMatch,
        Text::DeadLinkTitle,
        Text::DeadLinkHeading,
        Text::UnavailableTitle,
        Text::UnavailableHeading,
        Text::BadFormTitle,
        Text::BadFormHeading,
        Text::BadFormHelp,
        Text::DeviceDoneTitle,
        Text::DeviceDoneHeading,
        Text::DeviceDoneMessage,
        Text::DeviceDoneNote,
        Text::CrossSiteRefused,
        Text::RequestTooLarge,
        Text::MissingPurpose,
        Text::UnknownPurpose,
        Text::FormWrongType,
        Text::FormEmpty,
        Text::FormMalformed,
        Text::FormRepeated,
        Text::FormTooMany,
        Text::TooManyStrengthChecks,
        Text::StatusHeading,
        Text::StatusNone,
        Text::RecentActivity,
        Text::CancelReset,
        Text::LanguageName,
        Text::LanguageSwitch,
    ];

    /// The id of its message in the catalogues.
    pub fn id(self) -> &'static str {
        match self {
            Self::ResetHeading => "reset-heading",
            Self::CreateHeading => "create-heading",
            Self::CodeLabel => "code-label",
            Self::CodeHelp => "code-help",
            Self::NewPasswordLabel => "new-password-label",
            Self::ConfirmPasswordLabel => "confirm-password-label",
            Self::SaveButton => "save-button",
            Self::PasswordsMatch => "passwords-match",
            Self::DeadLinkTitle => "dead-link-title",
            Self::DeadLinkHeading => "dead-link-heading",
            Self::UnavailableTitle => "unavailable-title",
            Self::UnavailableHeading => "unavailable-heading",
            Self::BadFormTitle => "bad-form-title",
            Self::BadFormHeading => "bad-form-heading",
            Self::BadFormHelp => "bad-form-help",
            Self::DeviceDoneTitle => "device-done-title",
            Self::DeviceDoneHeading => "device-done-heading",
            Self::DeviceDoneMessage => "device-done-message",
            Self::DeviceDoneNote => "device-done-note",
            Self::CrossSiteRefused => "cross-site-refused",
            Self::RequestTooLarge => "request-too-large",
            Self::MissingPurpose => "missing-purpose",
            Self::UnknownPurpose => "unknown-purpose",
            Self::FormWrongType => "form-wrong-type",
            Self::FormEmpty => "form-empty",
            Self::FormMalformed => "form-malformed",
            Self::FormRepeated => "form-repeated",
            Self::FormTooMany => "form-too-many",
            Self::TooManyStrengthChecks => "too-many-strength-checks",
            Self::StatusHeading => "status-heading",
            Self::StatusNone => "status-none",
            Self::RecentActivity => "recent-activity",
            Self::CancelReset => "cancel-reset",
            Self::LanguageName => "language-name",
            Self::LanguageSwitch => "language-switch",
        }
    }
}

/// zxcvbn 3.1's feedback sentences and the messages that say them.
pub(crate) const FEEDBACK: [(&str, &str); 27] = [
    ("Straight rows of keys are easy to guess.", "feedback-straight-rows"),
    ("Short keyboard patterns are easy to guess.", "feedback-short-keyboard-patterns"),
    ("Repeats like \"aaa\" are easy to guess.", "feedback-repeats-like-aaa"),
    (
        "Repeats like \"abcabcabc\" are only slightly harder to guess than \"abc\".",
        "feedback-repeats-like-abcabc",
    ),
    ("This is a top-10 common password.", "feedback-top-10"),
    ("This is a top-100 common password.", "feedback-top-100"),
    ("This is a very common password.", "feedback-common-password"),
    ("This is similar to a commonly used password.", "feedback-similar-to-common"),
    ("Sequences like abc or 6543 are easy to guess.", "feedback-sequences"),
    ("Recent years are easy to guess.", "feedback-recent-years"),
    ("A word by itself is easy to guess.", "feedback-word-by-itself"),
    ("Dates are often easy to guess.", "feedback-dates"),
    ("Names and surnames by themselves are easy to guess.", "feedback-names-by-themselves"),
    ("Common names and surnames are easy to guess.", "feedback-common-names"),
    ("Use a few words, avoid common phrases.", "feedback-use-a-few-words"),
    ("No need for symbols, digits, or uppercase letters.", "feedback-no-need-for-symbols"),
    ("Add another word or two. Uncommon words are better.", "feedback-add-another-word"),
    ("Capitalization doesn't help very much.", "feedback-capitalization"),
    ("All-uppercase is almost as easy to guess as all-lowercase.", "feedback-all-uppercase"),
    ("Reversed words aren't much harder to guess.", "feedback-reversed-words"),
    (
        "Predictable substitutions like '@' instead of 'a' don't help very much.",
        "feedback-predictable-substitutions",
    ),
    ("Use a longer keyboard pattern with more turns.", "feedback-longer-keyboard-pattern"),
    ("Avoid repeated words and characters.", "feedback-avoid-repeats"),
    ("Avoid sequences.", "feedback-avoid-sequences"),
    ("Avoid recent years.", "feedback-avoid-recent-years"),
    ("Avoid years that are associated with you.", "feedback-avoid-associated-years"),
    ("Avoid dates and years that are associated with you.", "feedback-avoid-associated-dates"),
];

/// The message for one of zxcvbn's sentences.
pub(crate) fn feedback_id(english: &str) -> Option<&'static str> {
    FEEDBACK.iter().find(|(sentence, _)| *sentence == english).map(|(_, id)| *id)
}
