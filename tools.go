//go:build tools

// Package rightsline pins the project's chosen libraries in go.mod while the
// packages that import them are written. Remove an import here once real
// code imports it.
package rightsline

import (
	_ "github.com/bwmarrin/discordgo"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/looplab/fsm"
	_ "github.com/pressly/goose/v3"
	_ "github.com/twilio/twilio-go"
	_ "golang.org/x/crypto/bcrypt"
	_ "gopkg.in/yaml.v3"
	_ "modernc.org/sqlite"
)
