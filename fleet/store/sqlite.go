package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// The queries are written with PostgreSQL's numbered parameters ($1).
// SQLite reads "$1" (and "?1") as a named parameter, and modernc.org/sqlite
// binds each argument by looking its parameter's name up in a list, which
// is quadratic in a statement's parameters. The SQLite connections
// rewrite every "$N" into an anonymous "?" and the arguments into the order
// of the placeholders (no query holds a '$' but in a parameter).

// sqliteQuery returns q with anonymous placeholders and, for each, the
// number of the argument it takes.
func sqliteQuery(q string) (string, []int) {
	var b strings.Builder
	var order []int
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c != '$' || i+1 >= len(q) || q[i+1] < '0' || q[i+1] > '9' {
			b.WriteByte(c)
			continue
		}
		n := 0
		j := i + 1
		for j < len(q) && q[j] >= '0' && q[j] <= '9' {
			n = n*10 + int(q[j]-'0')
			j++
		}
		b.WriteByte('?')
		order = append(order, n)
		i = j - 1
	}
	return b.String(), order
}

// sqliteArgs puts args in the order of the placeholders.
func sqliteArgs(order []int, args []driver.NamedValue) ([]driver.NamedValue, error) {
	out := make([]driver.NamedValue, len(order))
	for i, n := range order {
		if n < 1 || n > len(args) {
			return nil, fmt.Errorf("query parameter $%d without an argument", n)
		}
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: args[n-1].Value}
	}
	return out, nil
}

var (
	sqliteDriverOnce sync.Once
	sqliteDriver     driver.Driver
)

// openSQLite opens dsn with modernc.org/sqlite through the rewriting
// connector.
func openSQLite(dsn string) *sql.DB {
	sqliteDriverOnce.Do(func() {
		db, _ := sql.Open("sqlite", "")
		sqliteDriver = db.Driver()
		db.Close()
	})
	return sql.OpenDB(&rebindConnector{dsn: dsn, d: sqliteDriver})
}

type rebindConnector struct {
	dsn string
	d   driver.Driver
}

func (c *rebindConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.d.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &rebindConn{conn}, nil
}

func (c *rebindConnector) Driver() driver.Driver { return c.d }

type rebindConn struct{ driver.Conn }

// Prepare is not used by the store (every statement goes through
// ExecContext and QueryContext, which reorder the arguments).
func (c *rebindConn) Prepare(q string) (driver.Stmt, error) {
	return nil, errors.New("store: prepared statements are not supported on SQLite")
}

func (c *rebindConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return c.Conn.Begin() //nolint:staticcheck // the fallback of database/sql itself
}

func (c *rebindConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	if e, ok := c.Conn.(driver.ExecerContext); ok {
		q, order := sqliteQuery(q)
		args, err := sqliteArgs(order, args)
		if err != nil {
			return nil, err
		}
		return e.ExecContext(ctx, q, args)
	}
	return nil, driver.ErrSkip
}

func (c *rebindConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	if e, ok := c.Conn.(driver.QueryerContext); ok {
		q, order := sqliteQuery(q)
		args, err := sqliteArgs(order, args)
		if err != nil {
			return nil, err
		}
		return e.QueryContext(ctx, q, args)
	}
	return nil, driver.ErrSkip
}

func (c *rebindConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *rebindConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *rebindConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *rebindConn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.Conn.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}
