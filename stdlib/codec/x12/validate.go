package x12

import (
	"strings"
)

// checkElements checks the elements of sg against its dictionary entry:
// element count, mandatory elements, the form of numbers, dates and times,
// composites, and the syntax notes. Problems are appended to errs, at most
// one per element.
func (p *parser) checkElements(ss *segSpec, sg *Segment, errs Errors) Errors {
	els := sg.Elements
	var present, reported uint64
	bit := func(i int) uint64 {
		if i > 64 {
			return 0
		}
		return 1 << (i - 1)
	}
	add := func(i int, code, format string, args ...any) {
		if reported&bit(i) != 0 {
			return
		}
		reported |= bit(i)
		errs = append(errs, p.errAt(sg, i, ReasonSyntax, code, format, args...))
	}
	n := max(len(els)-1, len(ss.elems))
	for i := 1; i <= n; i++ {
		v := ""
		if i < len(els) {
			v = els[i]
		}
		if i > len(ss.elems) {
			if v != "" {
				add(i, "3", "%s has %d elements, this is element %d (%q)", ss.id, len(ss.elems), i, v)
				break
			}
			continue
		}
		e := &ss.elems[i-1]
		if v == "" {
			if e.req == 'M' {
				add(i, "1", "%s (%s) is mandatory", e.key, e.name)
			}
			continue
		}
		present |= bit(i)
		switch e.typ {
		case typeN:
			if !isInteger(v) {
				add(i, "6", "%s (%s) must be a whole number (type %s), not %q", e.key, e.name, e.typName, v)
			}
		case typeR:
			if !isDecimal(v) {
				add(i, "6", "%s (%s) must be a decimal number, not %q", e.key, e.name, v)
			}
		case typeDT:
			if !validDate(v) {
				add(i, "8", "%s (%s) %q is not a date (CCYYMMDD)", e.key, e.name, v)
			}
		case typeTM:
			if !validTime(v) {
				add(i, "9", "%s (%s) %q is not a time (HHMM[SS[d]])", e.key, e.name, v)
			}
		case typeComposite:
			if c := p.seps.Component; c != 0 {
				if k := strings.Count(v, string(c)) + 1; k > len(e.compKeys) {
					add(i, "3", "%s (%s) has %d components, at most %d are allowed", e.key, e.name, k, len(e.compKeys))
				}
			}
		}
	}
	has := func(i int) bool { return present&bit(i) != 0 }
	key := func(i int) string { return ss.elems[i-1].key }
	keys := func(is []int) string {
		ks := make([]string, len(is))
		for j, i := range is {
			ks[j] = key(i)
		}
		return strings.Join(ks, ", ")
	}
	for _, nt := range ss.notes {
		first := nt.elems[0]
		switch nt.kind {
		case 'P': // all or none
			var some int
			for _, i := range nt.elems {
				if has(i) {
					some = i
					break
				}
			}
			if some == 0 {
				continue
			}
			for _, i := range nt.elems {
				if !has(i) {
					add(i, "2", "%s (%s) is required when %s is present (syntax note %s)", key(i), ss.elems[i-1].name, key(some), nt.text)
				}
			}
		case 'R': // at least one
			ok := false
			for _, i := range nt.elems {
				ok = ok || has(i)
			}
			if !ok {
				add(first, "2", "at least one of %s is required (syntax note %s)", keys(nt.elems), nt.text)
			}
		case 'C': // if the first, then all others
			if !has(first) {
				continue
			}
			for _, i := range nt.elems[1:] {
				if !has(i) {
					add(i, "2", "%s (%s) is required when %s is present (syntax note %s)", key(i), ss.elems[i-1].name, key(first), nt.text)
				}
			}
		case 'L': // if the first, then at least one of the others
			if !has(first) {
				continue
			}
			ok := false
			for _, i := range nt.elems[1:] {
				ok = ok || has(i)
			}
			if !ok {
				add(nt.elems[1], "2", "%s is present, so at least one of %s is required (syntax note %s)", key(first), keys(nt.elems[1:]), nt.text)
			}
		case 'E': // at most one
			seen := 0
			for _, i := range nt.elems {
				if !has(i) {
					continue
				}
				if seen != 0 {
					add(i, "10", "%s and %s exclude each other (syntax note %s)", key(seen), key(i), nt.text)
				} else {
					seen = i
				}
			}
		}
	}
	return errs
}

// isInteger reports whether v is an X12 numeric (Nn) value: an optional
// minus sign and digits; the decimals are implied by n.
func isInteger(v string) bool {
	if v[0] == '-' {
		v = v[1:]
	}
	return isDigits(v)
}

// isDecimal reports whether v is an X12 decimal (R) value: an optional
// minus sign, digits, and an optional decimal point anywhere ("5", "5.",
// ".5", "-10").
func isDecimal(v string) bool {
	if v[0] == '-' {
		v = v[1:]
	}
	digits, points := 0, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			points++
		default:
			return false
		}
	}
	return digits > 0 && points <= 1
}

// validDate accepts CCYYMMDD and YYMMDD (the ISA and older releases).
func validDate(v string) bool {
	if (len(v) != 8 && len(v) != 6) || !isDigits(v) {
		return false
	}
	year := 0
	if len(v) == 8 {
		year = atoi(v[:4])
		v = v[4:]
	} else {
		year = 2000 + atoi(v[:2])
		v = v[2:]
	}
	month, day := atoi(v[:2]), atoi(v[2:4])
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month]
	if month == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		days = 29
	}
	return day <= days
}

// validTime accepts HHMM, HHMMSS and HHMMSS followed by one or two digits
// of decimal seconds.
func validTime(v string) bool {
	if (len(v) != 4 && len(v) != 6 && len(v) != 7 && len(v) != 8) || !isDigits(v) {
		return false
	}
	if atoi(v[:2]) > 23 || atoi(v[2:4]) > 59 {
		return false
	}
	return len(v) == 4 || atoi(v[4:6]) <= 59
}

// atoi converts a short string of digits.
func atoi(v string) int {
	n := 0
	for i := 0; i < len(v); i++ {
		n = n*10 + int(v[i]-'0')
	}
	return n
}
