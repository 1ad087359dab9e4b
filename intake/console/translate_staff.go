package console

import (
	"context"
	"strings"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// AddTranslator creates a translator account for langs (at least one, no
// English) as AddStaff creates any account: a one-time password returned,
// the creation and the languages audited in one transaction.
func AddTranslator(ctx context.Context, st *store.Store, who store.Staff, langs []locales.Lang, password string, actorID int64, ip string) (string, error) {
	if len(langs) == 0 {
		return "", errorf(EINVALID, "A translator needs at least one language (%v).", locales.All[1:])
	}
	codes := make([]string, 0, len(langs))
	for _, l := range langs {
		if l == locales.Source {
			return "", errorf(EINVALID, "English is the source language; a translator works on %v.", locales.All[1:])
		}
		codes = append(codes, string(l))
	}
	who.Role, who.CommissionID = store.RoleTranslator, ""
	return addAccount(ctx, st, who, password, actorID, ip, func(tx *store.Tx, id int64) error {
		if err := tx.SetStaffLangs(ctx, id, codes); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, &store.AuditEntry{StaffID: actorID, Action: "staff.langs", Detail: store.StaffRef(id) + ": " + strings.Join(codes, ","), IP: ip})
	})
}

// ParseLangs reads a comma-separated list of language tags ("am,es").
func ParseLangs(s string) ([]locales.Lang, error) {
	var out []locales.Lang
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		l, ok := locales.ParseLang(part)
		if !ok {
			return nil, errorf(EINVALID, "%q is not a Rightsline language (%v).", part, locales.All)
		}
		out = append(out, l)
	}
	return out, nil
}
