package funcs

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // zones must not depend on the host's zoneinfo

	"github.com/transload/transload/builtin"
)

// Time returns the transload.time library: parsing the date and time
// formats channels and EDI send, time zones, and formatting for ERPs.
//
// Timestamps are instants. Every function that returns one returns it in
// UTC, so that documents render the same whatever the source's zone, except
// in_zone, whose purpose is to carry a zone for rendering.
func Time() *builtin.Library {
	return library("transload.time",
		"Dates and times: RFC 3339, RFC 2822, epoch and X12 formats in, RFC 3339, ISO dates and X12 formats out, with IANA time zones. Timestamps are instants, returned in UTC; functions that need a local calendar take the zone as an argument.",
		parseTimeFunc(), parseRFC2822Func(), fromEpochMillisFunc(), fromEpochSecondsFunc(), parseDateFunc(),
		parseX12DateTimeFunc(), formatDateFunc(), formatTimeFunc(), formatX12DateFunc(), formatX12TimeFunc(),
		epochMillisFunc(), inZoneFunc(),
	)
}

// zones caches loaded locations: time.LoadLocation reads the host's
// zoneinfo files (falling back to the embedded tzdata), and no function may
// do I/O per call. The IANA database has a few hundred names, so the cache
// is bounded by what exists; names that do not exist are not cached and
// fail before any lookup when they cannot be zone names at all.
var zones sync.Map // string -> *time.Location

var zoneName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$`)

func loadZone(name string) (*time.Location, error) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	if name == "Local" || len(name) > 64 || !zoneName.MatchString(name) {
		return nil, invalidArg("unknown time zone %s: want an IANA name such as America/Chicago or UTC", quote(name))
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, invalidArg("unknown time zone %s: want an IANA name such as America/Chicago or UTC", quote(name))
	}
	zones.Store(name, loc)
	return loc, nil
}

// checkYear keeps timestamps in the range CEL and RFC 3339 can represent.
func checkYear(t time.Time, what string) (time.Time, error) {
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return time.Time{}, errf(builtin.ReasonInvalidDate, "%s is outside the years 0001 to 9999", what)
	}
	return t.UTC(), nil
}

func parseTimeFunc() *builtin.Function {
	return &builtin.Function{
		Name: "parse_time",
		Doc: "Parses an RFC 3339 timestamp with a zone offset or Z and optional fractional seconds ('2020-06-15T10:30:00-05:00') " +
			"and returns the instant in UTC. Anything else, including a timestamp without an offset or a space instead of the T, " +
			"fails with INVALID_DATE.",
		Overloads: []builtin.Overload{{
			Params: params(tStr), Result: tTime,
			Impl: func(a []any) (any, error) {
				s := a[0].(string)
				t, err := time.Parse(time.RFC3339Nano, s)
				if err != nil {
					return nil, errf(builtin.ReasonInvalidDate, "invalid timestamp %s: want RFC 3339 such as 2020-06-15T10:30:00Z", quote(s))
				}
				return t.UTC(), nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "parse_time('2020-06-15T10:30:00-05:00')", Want: `"2020-06-15T15:30:00Z"`},
			{Expr: "parse_time('2020-06-15T10:30:00.250Z')", Want: `"2020-06-15T10:30:00.25Z"`},
			{Expr: "parse_time('2020-06-15 10:30:00')", Err: builtin.ReasonInvalidDate},
		},
	}
}

// rfc2822Zones are the obsolete zone names RFC 2822 section 4.3 defines;
// Go would read them as zero offsets unless the host happens to be in them.
var rfc2822Zones = map[string]string{
	"UT": "+0000", "GMT": "+0000", "UTC": "+0000", "Z": "+0000",
	"EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500",
	"MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700",
}

var rfc2822Layouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04 -0700",
}

func parseRFC2822(s string) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	// A trailing comment such as "(UTC)" carries nothing the offset does not.
	if i := strings.LastIndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
		s = strings.TrimSpace(s[:i])
	}
	if i := strings.LastIndexByte(s, ' '); i > 0 {
		if off, ok := rfc2822Zones[strings.ToUpper(s[i+1:])]; ok {
			s = s[:i+1] + off
		}
	}
	for _, layout := range rfc2822Layouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func parseRFC2822Func() *builtin.Function {
	return &builtin.Function{
		Name: "parse_rfc2822",
		Doc: "Parses an RFC 2822 (e-mail and HTTP) date such as 'Fri, 02 Mar 2012 21:36:24 +0000' and returns the instant in UTC. " +
			"The day of the week and the seconds are optional, the day may have one digit, and the zone may be a numeric offset or " +
			"one of the names RFC 2822 defines (GMT, UT, EST, EDT, CST, CDT, MST, MDT, PST, PDT). Anything else fails with INVALID_DATE.",
		Overloads: []builtin.Overload{{
			Params: params(tStr), Result: tTime,
			Impl: func(a []any) (any, error) {
				t, ok := parseRFC2822(a[0].(string))
				if !ok {
					return nil, errf(builtin.ReasonInvalidDate, "invalid RFC 2822 date %s: want a date such as Fri, 02 Mar 2012 21:36:24 +0000", quote(a[0].(string)))
				}
				return checkYear(t, quote(a[0].(string)))
			},
		}},
		Examples: []builtin.Example{
			{Expr: "parse_rfc2822('Fri, 02 Mar 2012 21:36:24 +0000')", Want: `"2012-03-02T21:36:24Z"`},
			{Expr: "parse_rfc2822('2 Mar 2012 16:36 EST')", Want: `"2012-03-02T21:36:00Z"`},
			{Expr: "parse_rfc2822('2012-03-02')", Err: builtin.ReasonInvalidDate},
		},
	}
}

func fromEpochMillisFunc() *builtin.Function {
	return &builtin.Function{
		Name: "from_epoch_millis",
		Doc:  "Returns the instant that many milliseconds after 1970-01-01T00:00:00Z, as JavaScript and many REST APIs send it. An instant outside the years 0001 to 9999 fails with INVALID_DATE.",
		Overloads: []builtin.Overload{{
			Params: params(tInt), Result: tTime,
			Impl: func(a []any) (any, error) {
				ms := a[0].(int64)
				return checkYear(time.UnixMilli(ms), strconv.FormatInt(ms, 10)+" ms")
			},
		}},
		Examples: []builtin.Example{
			{Expr: "from_epoch_millis(1592217000250)", Want: `"2020-06-15T10:30:00.25Z"`},
			{Expr: "from_epoch_millis(-1)", Want: `"1969-12-31T23:59:59.999Z"`},
		},
	}
}

func fromEpochSecondsFunc() *builtin.Function {
	return &builtin.Function{
		Name: "from_epoch_seconds",
		Doc:  "Returns the instant that many seconds after 1970-01-01T00:00:00Z (a Unix time). An instant outside the years 0001 to 9999 fails with INVALID_DATE.",
		Overloads: []builtin.Overload{{
			Params: params(tInt), Result: tTime,
			Impl: func(a []any) (any, error) {
				s := a[0].(int64)
				if s > 1<<40 || s < -(1<<40) {
					return nil, errf(builtin.ReasonInvalidDate, "%d seconds is outside the years 0001 to 9999", s)
				}
				return checkYear(time.Unix(s, 0), strconv.FormatInt(s, 10)+" s")
			},
		}},
		Examples: []builtin.Example{
			{Expr: "from_epoch_seconds(1592217000)", Want: `"2020-06-15T10:30:00Z"`},
			{Expr: "from_epoch_seconds(999999999999)", Err: builtin.ReasonInvalidDate},
		},
	}
}

// localTime returns the instant at which the wall clock in loc reads wall
// (a time whose UTC fields are the local date and time). time.Date leaves
// both daylight saving cases unspecified; here an ambiguous time (clocks
// set back) is the earlier instant, and a time that does not exist (clocks
// set forward) is read with the offset in force before the change, so
// 02:30 on a spring-forward night is 03:30, as java.time and RFC 5545 do.
func localTime(wall time.Time, loc *time.Location) time.Time {
	// The offsets a day either side cover any one transition.
	_, before := wall.Add(-24 * time.Hour).In(loc).Zone()
	_, after := wall.Add(24 * time.Hour).In(loc).Zone()
	var out time.Time
	found := false
	for _, off := range []int{before, after} {
		t := wall.Add(-time.Duration(off) * time.Second)
		if sameWall(t.In(loc), wall) && (!found || t.Before(out)) {
			out, found = t, true
		}
	}
	if !found {
		out = wall.Add(-time.Duration(before) * time.Second)
	}
	return out.UTC()
}

func sameWall(t, wall time.Time) bool {
	y, m, d := t.Date()
	wy, wm, wd := wall.Date()
	return y == wy && m == wm && d == wd && t.Hour() == wall.Hour() && t.Minute() == wall.Minute() && t.Second() == wall.Second()
}

var reISODate = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)

// civilDate reads y, m, d and reports whether they name a real day.
func civilDate(y, m, d int) bool {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return y >= 1 && t.Year() == y && int(t.Month()) == m && t.Day() == d
}

// parseDateParts accepts 2020-06-15, 2020-6-15 and 20200615.
func parseDateParts(s string) (y, m, d int, ok bool) {
	switch {
	case reISODate.MatchString(s):
		p := reISODate.FindStringSubmatch(s)
		y, _ = strconv.Atoi(p[1])
		m, _ = strconv.Atoi(p[2])
		d, _ = strconv.Atoi(p[3])
	case len(s) == 8 && allDigits(s):
		y, _ = strconv.Atoi(s[:4])
		m, _ = strconv.Atoi(s[4:6])
		d, _ = strconv.Atoi(s[6:])
	default:
		return 0, 0, 0, false
	}
	return y, m, d, civilDate(y, m, d)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func parseDateFunc() *builtin.Function {
	impl := func(a []any) (any, error) {
		s := a[0].(string)
		loc := time.UTC
		if len(a) == 2 {
			var err error
			if loc, err = loadZone(a[1].(string)); err != nil {
				return nil, err
			}
		}
		y, m, d, ok := parseDateParts(s)
		if !ok {
			return nil, errf(builtin.ReasonInvalidDate, "invalid date %s: want YYYY-MM-DD or CCYYMMDD such as 2020-06-15", quote(s))
		}
		return localTime(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), loc), nil
	}
	return &builtin.Function{
		Name: "parse_date",
		Doc: "Parses a calendar date and returns the instant it starts: midnight UTC, or midnight in an IANA time zone given as " +
			"the second argument. It accepts 2020-06-15, the unpadded 2020-6-15 that spreadsheets export, and the CCYYMMDD " +
			"20200615 of X12. A malformed date or a day that does not exist (2021-02-29) fails with INVALID_DATE, an unknown zone " +
			"with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{
			{Params: params(tStr), Result: tTime, Impl: impl},
			{Params: params(tStr, tStr), Result: tTime, Impl: impl},
		},
		Examples: []builtin.Example{
			{Expr: "parse_date('2020-06-15')", Want: `"2020-06-15T00:00:00Z"`},
			{Expr: "parse_date('2020-6-5')", Want: `"2020-06-05T00:00:00Z"`},
			{Expr: "parse_date('20200615', 'America/Chicago')", Want: `"2020-06-15T05:00:00Z"`},
			{Expr: "parse_date('2021-02-29')", Err: builtin.ReasonInvalidDate},
			{Expr: "parse_date('2020-06-15', 'Mars/Olympus')", Err: builtin.ReasonInvalidArgument},
		},
	}
}

// parseX12Time reads HHMM, HHMMSS, HHMMSSD or HHMMSSDD (tenths or
// hundredths of a second); the empty string is midnight.
func parseX12Time(s string) (h, m, sec, nanos int, ok bool) {
	if s == "" {
		return 0, 0, 0, 0, true
	}
	if !allDigits(s) || len(s) < 4 || len(s) == 5 || len(s) > 8 {
		return 0, 0, 0, 0, false
	}
	h, _ = strconv.Atoi(s[:2])
	m, _ = strconv.Atoi(s[2:4])
	if len(s) >= 6 {
		sec, _ = strconv.Atoi(s[4:6])
	}
	if len(s) > 6 {
		frac, _ := strconv.Atoi(s[6:])
		if len(s) == 7 {
			nanos = frac * 100_000_000
		} else {
			nanos = frac * 10_000_000
		}
	}
	return h, m, sec, nanos, h < 24 && m < 60 && sec < 60
}

func parseX12DateTimeFunc() *builtin.Function {
	return &builtin.Function{
		Name: "parse_x12_datetime",
		Doc: "Combines an X12 date (CCYYMMDD, or YYMMDD as ISA09 sends it, read as 20YY) and an X12 time (HHMM, HHMMSS, or " +
			"HHMMSSD and HHMMSSDD with tenths or hundredths of a second; an empty time is midnight) in an IANA time zone, and " +
			"returns the instant in UTC. X12 carries no zone, so the trading partner agreement says which to pass. A local time " +
			"skipped when clocks go forward is read with the offset before the change (02:30 becomes 03:30), a time that occurs " +
			"twice when clocks go back is the first of the two. A malformed date or time fails with INVALID_DATE, " +
			"an unknown zone with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{{
			Params: params(tStr, tStr, tStr), Result: tTime,
			Impl: func(a []any) (any, error) {
				orig, ts := a[0].(string), a[1].(string)
				ds := orig
				loc, err := loadZone(a[2].(string))
				if err != nil {
					return nil, err
				}
				if len(ds) == 6 && allDigits(ds) {
					ds = "20" + ds
				}
				var y, mo, d int
				ok := len(ds) == 8 && allDigits(ds)
				if ok {
					y, mo, d, ok = parseDateParts(ds)
				}
				if !ok {
					return nil, errf(builtin.ReasonInvalidDate, "invalid X12 date %s: want CCYYMMDD or YYMMDD", quote(orig))
				}
				h, mi, s, ns, ok := parseX12Time(ts)
				if !ok {
					return nil, errf(builtin.ReasonInvalidDate, "invalid X12 time %s: want HHMM, HHMMSS, HHMMSSD or HHMMSSDD", quote(ts))
				}
				return localTime(time.Date(y, time.Month(mo), d, h, mi, s, ns, time.UTC), loc), nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "parse_x12_datetime('20200615', '1030', 'America/New_York')", Want: `"2020-06-15T14:30:00Z"`},
			{Expr: "parse_x12_datetime('200615', '103015', 'UTC')", Want: `"2020-06-15T10:30:15Z"`},
			{Expr: "parse_x12_datetime('20200615', '10301525', 'UTC')", Want: `"2020-06-15T10:30:15.25Z"`},
			{Expr: "parse_x12_datetime('20200615', '2460', 'UTC')", Err: builtin.ReasonInvalidDate},
		},
	}
}

func formatIn(name, layout, doc string, examples ...builtin.Example) *builtin.Function {
	return &builtin.Function{
		Name: name, Doc: doc,
		Overloads: []builtin.Overload{{
			Params: params(tTime, tStr), Result: tStr, Cost: costShort,
			Impl: func(a []any) (any, error) {
				loc, err := loadZone(a[1].(string))
				if err != nil {
					return nil, err
				}
				return a[0].(time.Time).In(loc).Format(layout), nil
			},
		}},
		Examples: examples,
	}
}

func formatDateFunc() *builtin.Function {
	return formatIn("format_date", "2006-01-02",
		"Returns the calendar date (YYYY-MM-DD) of an instant in an IANA time zone: the same instant is a different day in "+
			"Tokyo and in Chicago, so the zone is required. An unknown zone fails with INVALID_ARGUMENT.",
		builtin.Example{Expr: "format_date(parse_time('2020-06-15T03:00:00Z'), 'America/Chicago')", Want: `"2020-06-14"`},
		builtin.Example{Expr: "format_date(parse_time('2020-06-15T03:00:00Z'), 'UTC')", Want: `"2020-06-15"`},
		builtin.Example{Expr: "format_date(parse_time('2020-06-15T03:00:00Z'), 'Chicago')", Err: builtin.ReasonInvalidArgument},
	)
}

func formatTimeFunc() *builtin.Function {
	return formatIn("format_time", time.RFC3339Nano,
		"Renders an instant as RFC 3339 with the offset of an IANA time zone ('2020-06-15T10:30:00-05:00'), with fractional "+
			"seconds only when there are any, for ERPs that want local times. An unknown zone fails with INVALID_ARGUMENT.",
		builtin.Example{Expr: "format_time(parse_time('2020-06-15T15:30:00Z'), 'America/Chicago')", Want: `"2020-06-15T10:30:00-05:00"`},
		builtin.Example{Expr: "format_time(from_epoch_millis(1592217000250), 'UTC')", Want: `"2020-06-15T10:30:00.25Z"`},
	)
}

func formatX12DateFunc() *builtin.Function {
	return formatIn("format_x12_date", "20060102",
		"Renders the calendar date of an instant in an IANA time zone as the X12 CCYYMMDD. An unknown zone fails with INVALID_ARGUMENT.",
		builtin.Example{Expr: "format_x12_date(parse_time('2020-06-15T03:00:00Z'), 'America/Chicago')", Want: `"20200614"`},
	)
}

func formatX12TimeFunc() *builtin.Function {
	return formatIn("format_x12_time", "1504",
		"Renders the local time of an instant in an IANA time zone as the X12 HHMM. An unknown zone fails with INVALID_ARGUMENT.",
		builtin.Example{Expr: "format_x12_time(parse_time('2020-06-15T15:30:59Z'), 'America/New_York')", Want: `"1130"`},
	)
}

func epochMillisFunc() *builtin.Function {
	return &builtin.Function{
		Name: "epoch_millis",
		Doc:  "Returns the milliseconds from 1970-01-01T00:00:00Z to an instant, truncating finer fractions. It never fails.",
		Overloads: []builtin.Overload{{
			Params: params(tTime), Result: tInt,
			Impl: func(a []any) (any, error) { return a[0].(time.Time).UnixMilli(), nil },
		}},
		Examples: []builtin.Example{
			{Expr: "epoch_millis(parse_time('2020-06-15T10:30:00.25Z'))", Want: "1592217000250"},
		},
	}
}

func inZoneFunc() *builtin.Function {
	return &builtin.Function{
		Name: "in_zone",
		Doc: "Returns the same instant carried in an IANA time zone, so that a document renders it with that zone's offset " +
			"('2020-06-15T10:30:00-05:00') for a system that wants local times. The instant does not change: it compares equal to " +
			"the argument, and functions that read calendar fields still take their own zone argument. An unknown zone fails with " +
			"INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{{
			Params: params(tTime, tStr), Result: tTime,
			Impl: func(a []any) (any, error) {
				loc, err := loadZone(a[1].(string))
				if err != nil {
					return nil, err
				}
				return a[0].(time.Time).In(loc), nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "in_zone(parse_time('2020-06-15T15:30:00Z'), 'America/Chicago')", Want: `"2020-06-15T10:30:00-05:00"`},
			{Expr: "in_zone(parse_time('2020-06-15T15:30:00Z'), 'Europe/Berlin') == parse_time('2020-06-15T15:30:00Z')", Want: "true"},
			{Expr: "in_zone(parse_time('2020-06-15T15:30:00Z'), 'Nowhere/Special')", Err: builtin.ReasonInvalidArgument},
		},
	}
}
