// Times (FORMAT.md section 1: RFC 3339 in UTC with Z, as
// YYYY-MM-DDTHH:MM:SS[.fraction]Z) and how two of them compare (5.4,
// "Comparing times"): as instants, without a clock or time zone database.
package main

import (
	"regexp"
	"strconv"
	"strings"
)

var timePattern = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z$`)

// validTime checks the form and that the date and time exist (RFC 3339
// section 5.7). Go's time.Parse refuses second 60, which RFC 3339 allows and
// 5.4 orders; a leap second is inserted at the end of a UTC day
// (RFC 3339 section 5.7), so :60 is accepted at 23:59 only.
func validTime(s string) bool {
	m := timePattern.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
	year, month, day, hour, minute, second := n(1), n(2), n(3), n(4), n(5), n(6)
	days := []int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		days[1] = 29
	}
	return month >= 1 && month <= 12 && day >= 1 && day <= days[month-1] &&
		hour <= 23 && minute <= 59 && (second <= 59 || (second == 60 && hour == 23 && minute == 59))
}

// compareTimes orders two valid times as 5.4 says: their YYYY-MM-DDTHH:MM:SS
// parts as text (fixed width, so text order is time order, and :60 after
// :59), then their fractions as decimals, missing digits being zeros.
func compareTimes(a, b string) int {
	if c := strings.Compare(a[:19], b[:19]); c != 0 {
		return c
	}
	fa, fb := strings.TrimPrefix(strings.TrimSuffix(a[19:], "Z"), "."), strings.TrimPrefix(strings.TrimSuffix(b[19:], "Z"), ".")
	width := max(len(fa), len(fb))
	return strings.Compare(fa+strings.Repeat("0", width-len(fa)), fb+strings.Repeat("0", width-len(fb)))
}
