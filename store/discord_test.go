package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

func TestDiscordGuildSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		if _, err := s.DiscordGuild(ctx, "111"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("DiscordGuild before save: err = %v, want ErrNotFound", err)
		}
		before := time.Now().UTC().Add(-time.Second)
		g := store.DiscordGuild{GuildID: "111", Jurisdiction: "dc", Lang: "es", UpdatedBy: "900"}
		if err := s.SaveDiscordGuild(ctx, &g); err != nil {
			t.Fatalf("SaveDiscordGuild: %v", err)
		}
		if g.UpdatedAt.Before(before) {
			t.Errorf("UpdatedAt = %v, want about now", g.UpdatedAt)
		}
		got, err := s.DiscordGuild(ctx, "111")
		if err != nil {
			t.Fatalf("DiscordGuild: %v", err)
		}
		if got != g {
			t.Errorf("DiscordGuild = %+v, want %+v", got, g)
		}

		// A second /setup replaces every field, including with empty ones.
		g2 := store.DiscordGuild{GuildID: "111", Jurisdiction: "", Lang: "zh-Hant", UpdatedBy: "901"}
		if err := s.SaveDiscordGuild(ctx, &g2); err != nil {
			t.Fatalf("SaveDiscordGuild again: %v", err)
		}
		got, err = s.DiscordGuild(ctx, "111")
		if err != nil {
			t.Fatalf("DiscordGuild: %v", err)
		}
		if got != g2 {
			t.Errorf("after replace: %+v, want %+v", got, g2)
		}
		if _, err := s.DiscordGuild(ctx, "222"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other guild: err = %v, want ErrNotFound", err)
		}

		// Ids are bound, never spliced into SQL.
		evil := store.DiscordGuild{GuildID: injection, Lang: injection, UpdatedBy: injection}
		if err := s.SaveDiscordGuild(ctx, &evil); err != nil {
			t.Fatalf("SaveDiscordGuild(injection): %v", err)
		}
		if got, err := s.DiscordGuild(ctx, injection); err != nil || got.Lang != injection {
			t.Errorf("injection round trip: %+v, %v", got, err)
		}

		if err := s.SaveDiscordGuild(ctx, &store.DiscordGuild{GuildID: "333"}); err == nil {
			t.Error("SaveDiscordGuild without updated_by: no error")
		}
	})
}

func TestConversationStateSnapshot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		if _, err := s.ConversationState(ctx, "discord", "42"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("no contact: err = %v, want ErrNotFound", err)
		}
		c := mustContact(t, s, "discord", "42")
		if _, err := s.ConversationState(ctx, "discord", "42"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("no conversation: err = %v, want ErrNotFound", err)
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			return tx.SaveConversation(ctx, c.ID, []byte(`{"state":"main.menu"}`), time.Now())
		}); err != nil {
			t.Fatal(err)
		}
		got, err := s.ConversationState(ctx, "discord", "42")
		if err != nil || string(got) != `{"state":"main.menu"}` {
			t.Errorf("state %q, %v", got, err)
		}
		if _, err := s.ConversationState(ctx, "sms", "42"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other channel: err = %v, want ErrNotFound", err)
		}
	})
}
