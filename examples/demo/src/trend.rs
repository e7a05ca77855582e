//! The figures of the admins' "Password resets" page: for each of the last
//! 30 days (UTC), the reset emails sent, and the requests completed,
//! expired, cancelled and locked that day; and the median time from the
//! email to the saved password. Computed from the audit events alone, by
//! [`trend`], a pure function of the events, the time-to-live of each
//! purpose and "now".
//!
//! It lives in the demo rather than in the core: what makes a day (UTC),
//! which window, and how an expiry is reckoned without an event of its own
//! are choices of this page; the core offers the events
//! ([`AuditSink::events_between`](inzant_reset_core::ports::AuditSink::events_between)).
//!
//! The audit log has no "expired" event: a request expires, without anyone
//! acting, when its time runs out. It is counted on the day it expired:
//! its "issued" event's time plus the purpose's time-to-live, when that is
//! past and nothing ended it first. Completing, cancelling, locking (and a
//! failed email or a refused hash) can only end a live request, so they
//! always count as its end; a newer email supersedes even a request whose
//! time ran out without anyone noticing, so "superseded" counts only when
//! it came before the expiry. The issued event is written just after the
//! email went out, so the expiry reckoned from it is late by the mail's
//! delivery time (seconds), and uses today's time-to-live for requests
//! sent under an older setting.

use std::collections::HashMap;
use std::time::Duration;

use inzant_reset_core::audit::{AuditEvent, AuditKind};
use inzant_reset_core::request::{Purpose, RequestId};
use time::{Date, OffsetDateTime, UtcOffset};

/// How many days the trend covers, today included.
pub const DAYS: u16 = 30;

/// Events read before the first day, beyond the longest time-to-live:
/// enough for requests issued under a slightly longer one.
const MARGIN: Duration = Duration::from_secs(24 * 3600);

/// One day's figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day {
    /// The day (UTC).
    pub date: Date,
    /// Reset and create emails sent (delivered to the mail system).
    pub sent: u32,
    /// New passwords saved.
    pub completed: u32,
    /// Requests whose time ran out, unused, that day.
    pub expired: u32,
    /// Requests an admin cancelled.
    pub cancelled: u32,
    /// Requests locked by the last wrong code.
    pub locked: u32,
}

impl Day {
    fn empty(date: Date) -> Self {
        Self { date, sent: 0, completed: 0, expired: 0, cancelled: 0, locked: 0 }
    }

    /// The figures in the order of [`SERIES`].
    pub fn figures(&self) -> [u32; 5] {
        [self.sent, self.completed, self.expired, self.cancelled, self.locked]
    }
}

/// The names of the figures, in the order of [`Day::figures`].
pub const SERIES: [&str; 5] = ["Emails sent", "Completed", "Expired", "Cancelled", "Locked"];

/// The figures of the [`DAYS`] days up to today.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trend {
    /// One row per day, oldest first; the last is today (so far).
    pub days: Vec<Day>,
    /// The median of the times from the email to the saved password, over
    /// the resets completed in these days (`None` without any).
    pub median_time_to_complete: Option<Duration>,
    /// How many completed resets the median is taken over (those whose
    /// email's event was read as well).
    pub timed_completions: usize,
}

impl Trend {
    /// Each figure summed over the days, in the order of [`SERIES`].
    pub fn totals(&self) -> [u32; 5] {
        self.days.iter().fold([0; 5], |mut sums, day| {
            for (sum, figure) in sums.iter_mut().zip(day.figures()) {
                *sum += figure;
            }
            sums
        })
    }

    /// The largest figure of any day.
    pub fn peak(&self) -> u32 {
        self.days.iter().flat_map(Day::figures).max().unwrap_or(0)
    }
}

/// The first day of the trend that ends on `now`'s (UTC) day.
pub fn first_day(now: OffsetDateTime) -> Date {
    let today = now.to_offset(UtcOffset::UTC).date();
    today.checked_sub(time::Duration::days(i64::from(DAYS - 1))).unwrap_or(Date::MIN)
}

/// The events [`trend`] needs for the days up to `now`: from the first
/// day's start less `longest_ttl` (requests that expire or complete in the
/// window may have been sent that long before it) to the end of today.
pub fn span(now: OffsetDateTime, longest_ttl: Duration) -> (OffsetDateTime, OffsetDateTime) {
    let start = first_day(now).midnight().assume_utc();
    let from = start.checked_sub(signed(longest_ttl.saturating_add(MARGIN)));
    let end = start.checked_add(time::Duration::days(i64::from(DAYS)));
    (from.unwrap_or(start), end.unwrap_or(now))
}

/// What the events say about one request.
#[derive(Default)]
struct Request {
    /// When its email was sent, and for what.
    issued: Option<(OffsetDateTime, Purpose)>,
    /// The first event that ended it while it was live.
    ended: Option<OffsetDateTime>,
    /// The first newer email that superseded it.
    superseded: Option<OffsetDateTime>,
}

/// The figures of the [`DAYS`] days up to `now` (UTC days), from `events`
/// (any order; those outside the days are read only for the requests they
/// tell about) and each purpose's time-to-live.
pub fn trend(events: &[AuditEvent], ttl: impl Fn(Purpose) -> Duration, now: OffsetDateTime) -> Trend {
    let first = first_day(now);
    let mut days: Vec<Day> = (0..DAYS)
        .filter_map(|n| first.checked_add(time::Duration::days(i64::from(n))))
        .map(Day::empty)
        .collect();
    let count = days.len();
    let index = |at: OffsetDateTime| -> Option<usize> {
        let offset = (at.to_offset(UtcOffset::UTC).date() - first).whole_days();
        usize::try_from(offset).ok().filter(|&i| i < count)
    };

    let mut requests: HashMap<RequestId, Request> = HashMap::new();
    let earliest = |slot: &mut Option<OffsetDateTime>, at: OffsetDateTime| {
        *slot = Some(slot.map_or(at, |seen| seen.min(at)));
    };
    for event in events {
        let request = requests.entry(event.request).or_default();
        match event.kind {
            AuditKind::Issued { purpose } if request.issued.is_none_or(|(seen, _)| event.at < seen) => {
                request.issued = Some((event.at, purpose));
            }
            AuditKind::Completed
            | AuditKind::Cancelled
            | AuditKind::Locked
            | AuditKind::MailFailed
            | AuditKind::PasswordNotSaved => earliest(&mut request.ended, event.at),
            AuditKind::Superseded => earliest(&mut request.superseded, event.at),
            AuditKind::WrongCode { .. }
            | AuditKind::HookFailed
            | AuditKind::NoticeFailed
            | AuditKind::NoticeSent => {}
            // A later sighting of the issue, or a kind added later: neither
            // starts nor ends a request here.
            _ => {}
        }
        let Some(i) = index(event.at) else { continue };
        let Some(day) = days.get_mut(i) else { continue };
        match event.kind {
            AuditKind::Issued { .. } => day.sent += 1,
            AuditKind::Completed => day.completed += 1,
            AuditKind::Cancelled => day.cancelled += 1,
            AuditKind::Locked => day.locked += 1,
            _ => {}
        }
    }

    let mut times = Vec::new();
    for event in events.iter().filter(|e| e.kind == AuditKind::Completed && index(e.at).is_some()) {
        let issued = requests.get(&event.request).and_then(|request| request.issued);
        if let Some((issued_at, _)) = issued {
            times.push(Duration::try_from(event.at - issued_at).unwrap_or(Duration::ZERO));
        }
    }
    for request in requests.values() {
        let Some((issued_at, purpose)) = request.issued else { continue };
        let Some(expiry) = issued_at.checked_add(signed(ttl(purpose))) else { continue };
        let ended_first = request.ended.is_some() || request.superseded.is_some_and(|at| at < expiry);
        if expiry > now || ended_first {
            continue;
        }
        if let Some(day) = index(expiry).and_then(|i| days.get_mut(i)) {
            day.expired += 1;
        }
    }

    times.sort_unstable();
    Trend { days, median_time_to_complete: median(&times), timed_completions: times.len() }
}

/// `duration` as `time`'s (the longest it can be, beyond).
fn signed(duration: Duration) -> time::Duration {
    time::Duration::try_from(duration).unwrap_or(time::Duration::MAX)
}

/// The middle of `sorted`, or the mean of the two middles.
fn median(sorted: &[Duration]) -> Option<Duration> {
    let middle = sorted.len() / 2;
    match (sorted.len() % 2, sorted.get(middle)) {
        (_, None) => None,
        (1, Some(one)) => Some(*one),
        (_, Some(upper)) => sorted.get(middle.wrapping_sub(1)).map(|lower| (*lower + *upper) / 2),
    }
}

/// A duration as people say it: "45 s", "12 min", "3 h 20 min", "2 d 5 h".
pub fn spoken(duration: Duration) -> String {
    let seconds = duration.as_secs();
    let (days, hours, minutes) = (seconds / 86_400, seconds % 86_400 / 3600, seconds % 3600 / 60);
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 if seconds.is_multiple_of(60) => format!("{minutes} min"),
        60..3600 => format!("{minutes} min {} s", seconds % 60),
        3600..86_400 => format!("{hours} h {minutes} min"),
        _ => format!("{days} d {hours} h"),
    }
}

/// A duration as an HTML duration string (`PT3H20M5S`), for `<time datetime>`.
pub fn iso(duration: Duration) -> String {
    let seconds = duration.as_secs();
    format!("PT{}H{}M{}S", seconds / 3600, seconds % 3600 / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use inzant_reset_core::secret::OsRandom;
    use inzant_reset_core::user::UserId;

    const DAY: Duration = Duration::from_secs(24 * 3600);
    /// "Now": the afternoon of the 30th day.
    const NOW: OffsetDateTime = datetime!(2026-03-30 15:00 UTC);

    fn ttl(purpose: Purpose) -> Duration {
        match purpose {
            Purpose::Reset => DAY,
            Purpose::Create => 3 * DAY,
        }
    }

    /// Seeds events request by request, each at a time given as the day of
    /// March 2026 and the hour.
    struct Log {
        events: Vec<AuditEvent>,
    }

    impl Log {
        fn new() -> Self {
            Self { events: Vec::new() }
        }

        fn at(day: u8, hour: u8, minute: u8) -> OffsetDateTime {
            Date::from_calendar_date(2026, time::Month::March, day)
                .unwrap()
                .with_hms(hour, minute, 0)
                .unwrap()
                .assume_utc()
        }

        /// A request sent at `sent`, and what else happened to it.
        fn request(&mut self, purpose: Purpose, sent: OffsetDateTime, then: &[(AuditKind, OffsetDateTime)]) {
            let request = RequestId::generate(&OsRandom).unwrap();
            let user = UserId::new(format!("user-{}", self.events.len() % 7));
            let event = |kind, at| AuditEvent { at, kind, request, user: user.clone(), actor: None };
            self.events.push(event(AuditKind::Issued { purpose }, sent));
            for (kind, at) in then {
                self.events.push(event(*kind, *at));
            }
        }
    }

    fn day(trend: &Trend, of_march: u8) -> Day {
        *trend.days.iter().find(|d| d.date.day() == of_march && d.date.month() == time::Month::March).unwrap()
    }

    #[test]
    fn thirty_days_of_events_give_each_days_figures_and_the_median() {
        let at = Log::at;
        let mut log = Log::new();
        // Before the window (1 March is the first day): sent on 27 February,
        // completed on the 28th: neither counts, and its time is not timed.
        log.request(
            Purpose::Reset,
            datetime!(2026-02-27 10:00 UTC),
            &[(AuditKind::Completed, datetime!(2026-02-28 09:00 UTC))],
        );
        // Sent on 28 February, expired unused on 1 March at 08:00: the
        // expiry counts on the 1st, the sending not at all.
        log.request(Purpose::Reset, datetime!(2026-02-28 08:00 UTC), &[]);
        // Every day from the 1st to the 30th: one reset completed after
        // `n` minutes (n = the day of the month): 30 completions, median 15.5 min.
        for n in 1..=30u8 {
            let sent = at(n, 9, 0);
            let wrong = (AuditKind::WrongCode { attempts_left: 4 }, at(n, 9, n - 1));
            let done = (AuditKind::Completed, at(n, 9, n));
            let notice = (AuditKind::NoticeSent, at(n, 9, n));
            log.request(Purpose::Reset, sent, &[wrong, done, notice]);
        }
        // 5 March: a request sent and never used: it expires on the 6th at 11:00.
        log.request(Purpose::Reset, at(5, 11, 0), &[]);
        // 10 March: one superseded by a newer email an hour later (no
        // expiry), and the newer one cancelled on the 11th.
        log.request(Purpose::Reset, at(10, 8, 0), &[(AuditKind::Superseded, at(10, 9, 0))]);
        log.request(Purpose::Reset, at(10, 9, 0), &[(AuditKind::Cancelled, at(11, 7, 0))]);
        // 12 March: a create email (3 days to live) that ran out unused on the
        // 15th, then superseded on the 20th by a newer email: it expired.
        log.request(Purpose::Create, at(12, 14, 0), &[(AuditKind::Superseded, at(20, 10, 0))]);
        log.request(Purpose::Create, at(20, 10, 0), &[(AuditKind::Completed, at(20, 10, 30))]);
        // 18 March: locked by the last wrong code the same day.
        log.request(
            Purpose::Reset,
            at(18, 12, 0),
            &[(AuditKind::WrongCode { attempts_left: 0 }, at(18, 12, 5)), (AuditKind::Locked, at(18, 12, 5))],
        );
        // 25 March: the email failed (no "issued" event), and a hash the
        // directory refused: neither is sent-and-expired.
        log.events.push(AuditEvent {
            at: at(25, 8, 0),
            kind: AuditKind::MailFailed,
            request: RequestId::generate(&OsRandom).unwrap(),
            user: UserId::new("user-x"),
            actor: None,
        });
        log.request(Purpose::Reset, at(25, 9, 0), &[(AuditKind::PasswordNotSaved, at(25, 9, 10))]);
        // 29 March 16:00: sent, unused: expires on the 30th at 16:00, after "now".
        log.request(Purpose::Reset, at(29, 16, 0), &[]);
        // 29 March 14:00: sent, unused: expired on the 30th at 14:00, before "now".
        log.request(Purpose::Reset, at(29, 14, 0), &[]);
        // Shuffled: the order of events does not matter.
        log.events.reverse();

        let trend = trend(&log.events, ttl, NOW);
        assert_eq!(trend.days.len(), 30);
        assert_eq!(
            trend.days.first().unwrap().date,
            Date::from_calendar_date(2026, time::Month::March, 1).unwrap()
        );
        assert_eq!(
            trend.days.last().unwrap().date,
            Date::from_calendar_date(2026, time::Month::March, 30).unwrap()
        );

        let expected = |of_march: u8| {
            let mut d = Day::empty(Date::from_calendar_date(2026, time::Month::March, of_march).unwrap());
            d.sent = 1;
            d.completed = 1;
            match of_march {
                1 => d.expired = 1,
                5 => d.sent += 1,
                6 => d.expired = 1,
                10 => d.sent += 2,
                11 => d.cancelled = 1,
                12 => d.sent += 1,
                15 => d.expired = 1,
                18 => {
                    d.sent += 1;
                    d.locked = 1;
                }
                20 => {
                    d.sent += 1;
                    d.completed += 1;
                }
                25 => d.sent += 1,
                29 => d.sent += 2,
                30 => d.expired = 1,
                _ => {}
            }
            d
        };
        for of_march in 1..=30 {
            assert_eq!(day(&trend, of_march), expected(of_march), "{of_march} March");
        }
        assert_eq!(trend.totals(), [39, 31, 4, 1, 1]);
        assert_eq!(trend.peak(), 3);

        // 31 completions: 1..=30 minutes and the create reset's 30 minutes;
        // the middle (16th) of 1, 2, …, 15, 16, …, 30, 30 is 16 minutes.
        assert_eq!(trend.timed_completions, 31);
        assert_eq!(trend.median_time_to_complete, Some(16 * 60 * Duration::from_secs(1)));
    }

    #[test]
    fn an_even_number_of_completions_takes_the_mean_of_the_middle_two() {
        let mut log = Log::new();
        for minutes in [10, 20, 40, 70] {
            let sent = Log::at(20, 8, 0);
            log.request(
                Purpose::Reset,
                sent,
                &[(AuditKind::Completed, Log::at(20, 8, 0) + Duration::from_secs(60 * minutes))],
            );
        }
        let trend = trend(&log.events, ttl, NOW);
        assert_eq!(trend.median_time_to_complete, Some(Duration::from_secs(30 * 60)));
        assert_eq!(trend.timed_completions, 4);
    }

    #[test]
    fn no_events_give_thirty_empty_days_and_no_median() {
        let trend = trend(&[], ttl, NOW);
        assert_eq!(trend.days.len(), 30);
        assert!(trend.days.iter().all(|d| d.figures() == [0; 5]));
        assert_eq!((trend.median_time_to_complete, trend.timed_completions, trend.peak()), (None, 0, 0));
    }

    #[test]
    fn the_span_reaches_back_a_time_to_live_before_the_first_day() {
        let (from, to) = span(NOW, 3 * DAY);
        assert_eq!(from, datetime!(2026-02-25 00:00 UTC));
        assert_eq!(to, datetime!(2026-03-31 00:00 UTC));
        // Days are UTC days whatever the offset "now" is given in.
        let elsewhere = NOW.to_offset(time::macros::offset!(+10));
        assert_eq!(first_day(elsewhere), first_day(NOW));
    }

    #[test]
    fn durations_are_spoken_and_written_for_machines() {
        let cases = [
            (45, "45 s", "PT0H0M45S"),
            (12 * 60, "12 min", "PT0H12M0S"),
            (12 * 60 + 5, "12 min 5 s", "PT0H12M5S"),
            (3 * 3600 + 20 * 60 + 7, "3 h 20 min", "PT3H20M7S"),
            (2 * 86_400 + 5 * 3600, "2 d 5 h", "PT53H0M0S"),
        ];
        for (seconds, said, machine) in cases {
            assert_eq!(spoken(Duration::from_secs(seconds)), said);
            assert_eq!(iso(Duration::from_secs(seconds)), machine);
        }
    }
}
