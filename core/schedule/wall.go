package schedule

import (
	"sort"
	"time"
)

// naive returns t's wall clock in t's zone as a UTC time, to the minute:
// in UTC every wall time exists exactly once, so the next matching wall
// time can be searched there and then placed in the real zone.
func naive(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
}

// instants returns the real instants whose wall time in loc is w (a naive
// time): none in a gap, two in a repeated hour. For a gap it also returns
// the instant the gap ends.
func instants(w time.Time, loc *time.Location) (ts []time.Time, gapEnd time.Time) {
	u := w.Unix()
	var offs []int
	for _, probe := range [...]int64{u - 26*3600, u, u + 26*3600} {
		_, off := time.Unix(probe, 0).In(loc).Zone()
		dup := false
		for _, o := range offs {
			dup = dup || o == off
		}
		if dup {
			continue
		}
		offs = append(offs, off)
		t := time.Unix(u-int64(off), 0).In(loc)
		if _, o := t.Zone(); o == off {
			ts = append(ts, t)
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	if len(ts) == 0 {
		// Read with the offset in force before the gap, the wall time
		// lands after the jump, in the zone period the gap starts.
		t := time.Unix(u-int64(offs[0]), 0).In(loc)
		gapEnd, _ = t.ZoneBounds()
		if gapEnd.IsZero() {
			gapEnd = t
		}
	}
	return ts, gapEnd
}

// resolve places a wall time by the daylight-saving rule: its first
// occurrence, or the end of the gap it falls in.
func resolve(w time.Time, loc *time.Location) time.Time {
	ts, gapEnd := instants(w, loc)
	if len(ts) == 0 {
		return gapEnd
	}
	return ts[0]
}

// nextWall returns the first instant after after whose wall time is one
// step returns (step gives the next matching naive wall time strictly
// after the one it is given). With fixed, each wall time fires once by the
// daylight-saving rule; without, at every real instant that shows it.
func nextWall(after time.Time, fixed bool, step func(time.Time) (time.Time, bool)) (time.Time, bool) {
	loc := after.Location()
	w := naive(after)
	var drop time.Duration
	if !fixed {
		// Clocks falling back soon show earlier wall times again.
		_, now := after.Zone()
		_, later := after.Add(4 * time.Hour).Zone()
		if later < now {
			drop = time.Duration(now-later) * time.Second
			w = w.Add(-drop)
		}
	}
	var best time.Time
	for range 1000 {
		next, ok := step(w)
		if !ok {
			break
		}
		w = next
		if !best.IsZero() && w.Sub(naive(best)) > drop {
			break
		}
		ts, gapEnd := instants(w, loc)
		if fixed {
			if len(ts) == 0 {
				ts = []time.Time{gapEnd}
			}
			ts = ts[:1]
		}
		for _, t := range ts {
			if t.After(after) && (best.IsZero() || t.Before(best)) {
				best = t
			}
		}
		if !best.IsZero() && drop == 0 {
			break
		}
	}
	return best, !best.IsZero()
}
