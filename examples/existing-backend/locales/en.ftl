# Harbour Supply's own words for the password reset, on top of the library's
# English (inzant-reset-core/locales/en.ftl lists every message and the
# variables it is given). Only what we say our own way is here; every other
# message, and the other languages, are the library's.

# $purpose: reset or create; $username: the account
reset-email-subject = { $product }: choose your password ({ $username })
# $purpose: reset or create; $username: the account
reset-email-intro = Our back office asked us to send you a link to choose your { $product } password.
# $name: the person's name; $username: the account
reset-email-footer = This email is for { $name } ({ $username }). If you didn't expect it, contact the { $product } help desk (help@harbour.example); do not share the code with anyone.
notice-warning = If you did not change it, contact the { $product } help desk (help@harbour.example) now.
