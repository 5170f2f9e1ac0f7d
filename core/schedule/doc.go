// Package schedule parses, describes and computes schedule specs: when a
// scheduled task fires. It is pure: no store, no clock of its own (every
// call takes the time it works from), no I/O. A Spec is an immutable
// value, safe for concurrent use.
//
// # Machine forms
//
// A spec is stored in its machine form, which String returns:
//
//	once:<epoch>        one run at a Unix time in seconds
//	every:<seconds>     a run every N seconds (1 to 31536000) after the previous one
//	daily:HH:MM         every day at a wall-clock time: two-digit hour 00-23, minute 00-59
//	cron:<5 fields>     minute hour day-of-month month day-of-week, as in crontab(5)
//
// A zone may prefix daily: and cron: (and is accepted before any form):
// "TZ=Europe/Berlin cron:0 9 * * 1". Without it the caller's zone is used,
// and String writes that zone back when it has an IANA name, so a stored
// spec keeps firing at the same wall time wherever it is read.
//
// Cron fields take numbers, "*", lists (1,15), ranges (1-5), steps (*/15,
// 8-18/2) and names (MON-FRI, JAN); day of week 0 and 7 are both Sunday.
// When both day of month and day of week are restricted, a day matching
// either fires; when one of them starts with "*" ("*/10"), a day must
// match both (crontab(5) and Vixie cron; a day field that starts a list
// with "*" is refused, as that rule makes the list pointless). The times
// are computed by adhocore/gronx. An expression that can never fire
// ("0 0 30 2 *") is refused, and so are the extensions cron does not
// share (L, W, #, ?, @daily and six fields).
//
// # Forms people type
//
// Parse also reads the forms a person types, relative to the now it is
// given, and stores them as a machine form:
//
//	in 10 minutes, in 2 hours, in 1 day      → once:<now + duration>
//	at 17:30, at 9am                         → once: today, or tomorrow if that time has passed
//	tomorrow 9am, tomorrow at 09:15          → once: tomorrow at that time
//	every 15 minutes, every hour             → every:<seconds>
//	every day at 7:30                        → daily:07:30
//	every monday at 9                        → cron:0 9 * * 1
//	every weekday at 8                       → cron:0 8 * * 1-5
//
// # Daylight saving
//
// One rule, cron's (the one crontab(8) documents for jobs at a fixed time):
// a wall time that does not exist on a day, because the clocks jump
// forward over it, fires once, right after the gap (at 03:00 when 02:00
// jumps to 03:00; several times in the gap still fire once); a wall time
// that exists twice, because the clocks fall back, fires once, at its
// first occurrence. This holds for daily: and for cron: expressions whose
// minute and hour fields are fixed (neither starts with "*"). An
// expression with "*" in its minute or hour field ("*/15 * * * *", "0 * *
// * *") runs by the clock, as cron runs it: it fires at every real instant
// whose wall time matches, so it skips the wall times that do not exist
// and fires again in a repeated hour, keeping its interval. once: and
// every: are instants and durations, untouched by the zone.
package schedule
