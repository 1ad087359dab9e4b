package store

import (
	"database/sql"
	"fmt"
	"time"
)

// sqliteTimeLayout is how times are written to SQLite: RFC 3339 in UTC with
// exactly six fractional digits, so that text order equals time order.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z07:00"

// normTime is the form in which every time is stored and returned: UTC,
// truncated to the microsecond, without a monotonic clock reading.
func normTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}

// timeArg encodes t as a query argument for d: TIMESTAMPTZ on Postgres,
// fixed-width RFC 3339 UTC text on SQLite.
func timeArg(d Dialect, t time.Time) any {
	t = normTime(t)
	if d == SQLite {
		return t.Format(sqliteTimeLayout)
	}
	return t
}

// timeDest scans a time column on either dialect into *t as a UTC time.
type timeDest struct{ t *time.Time }

// Scan implements sql.Scanner.
func (d timeDest) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d.t = normTime(v)
		return nil
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	case nil:
		return fmt.Errorf("store: time column is NULL")
	default:
		return fmt.Errorf("store: cannot scan %T into a time", src)
	}
}

func (d timeDest) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("store: malformed stored time: %w", err)
	}
	*d.t = normTime(t)
	return nil
}

var _ sql.Scanner = timeDest{}
