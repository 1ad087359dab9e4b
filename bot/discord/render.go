package discord

import (
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
)

// Discord's limits on what a message may carry.
const (
	maxContent      = 2000 // characters of message content
	maxButtonLabel  = 80
	maxOptionLabel  = 100
	maxButtonsInRow = 5
	maxSelectOpts   = 25
	// maxSelectMenus leaves two of a message's five rows for the answer
	// and navigation buttons.
	maxSelectMenus = 3
)

// Custom ids say what a component does and in which conversation state it
// was offered, so a click on an old message is recognised:
//
//	rl:c:<state>:<key>   a choice button: sends the choice's key
//	rl:s:<state>:<n>     the n-th select menu of choices: sends the chosen key
//	rl:w:<state>:<word>  a global word (menu, back, more, source, done)
//	rl:m:<state>         opens the modal that collects a typed answer
//	rl:f:<state>         the modal itself; its submission sends the text
const (
	kindChoice = "c"
	kindSelect = "s"
	kindWord   = "w"
	kindModal  = "m"
	kindForm   = "f"
	idPrefix   = "rl"
	// inputID is the custom id of the modal's one text input.
	inputID = "answer"
)

func customID(kind, state string, rest ...string) string {
	return strings.Join(append([]string{idPrefix, kind, state}, rest...), ":")
}

// parseCustomID splits a custom id made by customID.
func parseCustomID(id string) (kind, state, arg string, ok bool) {
	parts := strings.SplitN(id, ":", 4)
	if len(parts) < 3 || parts[0] != idPrefix {
		return "", "", "", false
	}
	if len(parts) == 4 {
		arg = parts[3]
	}
	return parts[1], parts[2], arg, true
}

// text renders one of the catalog's messages, falling back to English
// (and then to the id) only for Discord's own labels, which must never
// stop a conversation.
func (b *Bot) text(lang locales.Lang, id string, data map[string]string) string {
	if lang == "" {
		lang = locales.English
	}
	if s, err := b.cat.Text(lang, id, data); err == nil {
		return s
	}
	if s, err := b.cat.Text(locales.English, id, data); err == nil {
		return s
	}
	return id
}

// render turns a step's outcome into an ephemeral message: the replies as
// content, and the prompt as buttons, a select menu, or a button opening a
// modal.
func (b *Bot) render(out bot.Outcome) *discordgo.InteractionResponseData {
	content := bot.JoinReplies(b.shown(out))
	if strings.TrimSpace(content) == "" {
		content = b.text(out.Lang, "discord.nothing_more", nil)
	}
	return &discordgo.InteractionResponseData{
		Content:         clip(content, maxContent),
		Components:      b.components(out.Lang, out.Prompt),
		AllowedMentions: noMentions(),
	}
}

// shown are the replies Discord shows as text: a computed choice list
// (a place's protected traits), which SMS pages, is left out when the
// select menu offers all of it (up to 25 options a menu), so the question
// is shown whole and the list once.
func (b *Bot) shown(out bot.Outcome) []flows.Reply {
	p := out.Prompt
	st, ok := b.rt.Engine.State(p.State)
	if !ok || st.ChoicesFrom == "" || len(p.Choices) <= maxButtonsInRow || len(p.Choices) > maxSelectOpts*maxSelectMenus {
		return out.Replies
	}
	rs := make([]flows.Reply, 0, len(out.Replies))
	for _, r := range out.Replies {
		if r.ID != p.State+".choices" {
			rs = append(rs, r)
		}
	}
	return rs
}

// notice is a plain ephemeral message without components.
func (b *Bot) notice(lang locales.Lang, id string, data map[string]string) *discordgo.InteractionResponseData {
	return &discordgo.InteractionResponseData{
		Content:         clip(b.text(lang, id, data), maxContent),
		Components:      []discordgo.MessageComponent{},
		AllowedMentions: noMentions(),
	}
}

// noMentions keeps a message from pinging anyone, whatever text a member
// typed into it.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func (b *Bot) components(lang locales.Lang, p flows.Prompt) []discordgo.MessageComponent {
	rows := []discordgo.MessageComponent{}
	if p.State == "" {
		return rows
	}
	st, _ := b.rt.Engine.State(p.State)
	switch {
	case len(p.Choices) > 0 && len(p.Choices) <= maxButtonsInRow:
		row := discordgo.ActionsRow{}
		for _, c := range p.Choices {
			row.Components = append(row.Components, discordgo.Button{
				Label:    clip(c.Label, maxButtonLabel),
				Style:    discordgo.PrimaryButton,
				CustomID: customID(kindChoice, p.State, c.Key),
			})
		}
		rows = append(rows, row)
	case len(p.Choices) > 0:
		// A select menu holds 25 options; longer lists (a place's
		// protected traits) continue in further menus, one per row.
		for n, start := 1, 0; start < len(p.Choices) && n <= maxSelectMenus; n, start = n+1, start+maxSelectOpts {
			menu := discordgo.SelectMenu{
				CustomID:    customID(kindSelect, p.State, strconv.Itoa(n)),
				Placeholder: clip(b.text(lang, "discord.select.placeholder", nil), maxOptionLabel),
			}
			for _, c := range p.Choices[start:min(start+maxSelectOpts, len(p.Choices))] {
				menu.Options = append(menu.Options, discordgo.SelectMenuOption{Label: clip(c.Label, maxOptionLabel), Value: c.Key})
			}
			rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{menu}})
		}
	}
	switch {
	case p.Collect == "yesno":
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: b.text(lang, "discord.btn.yes", nil), Style: discordgo.SuccessButton, CustomID: customID(kindChoice, p.State, "1")},
			discordgo.Button{Label: b.text(lang, "discord.btn.no", nil), Style: discordgo.SecondaryButton, CustomID: customID(kindChoice, p.State, "2")},
		}})
	case p.Collect != "":
		row := discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: b.text(lang, "discord.btn.answer", nil), Style: discordgo.PrimaryButton, CustomID: customID(kindModal, p.State)},
		}}
		if st != nil && st.Collect != nil && st.Collect.Append {
			row.Components = append(row.Components, b.wordButton(lang, p.State, "done", discordgo.SuccessButton))
		}
		rows = append(rows, row)
	}
	nav := discordgo.ActionsRow{}
	if st != nil && len(st.More) > 0 {
		nav.Components = append(nav.Components, b.wordButton(lang, p.State, "more", discordgo.SecondaryButton))
	}
	if st != nil && st.Source != "" {
		nav.Components = append(nav.Components, b.wordButton(lang, p.State, "source", discordgo.SecondaryButton))
	}
	if p.State != flows.StateMenu {
		nav.Components = append(nav.Components,
			b.wordButton(lang, p.State, "back", discordgo.SecondaryButton),
			b.wordButton(lang, p.State, "menu", discordgo.SecondaryButton))
	}
	if len(nav.Components) > 0 {
		rows = append(rows, nav)
	}
	return rows
}

func (b *Bot) wordButton(lang locales.Lang, state, word string, style discordgo.ButtonStyle) discordgo.Button {
	return discordgo.Button{
		Label:    clip(b.text(lang, "discord.btn."+word, nil), maxButtonLabel),
		Style:    style,
		CustomID: customID(kindWord, state, word),
	}
}

// modal is the form that collects a typed answer for a collect state.
func (b *Bot) modal(lang locales.Lang, state string) *discordgo.InteractionResponseData {
	style, max, label := discordgo.TextInputShort, 100, "discord.modal.label.short"
	if st, ok := b.rt.Engine.State(state); ok && st.Collect != nil {
		switch st.Collect.Type {
		case "text":
			style, max, label = discordgo.TextInputParagraph, 4000, "discord.modal.label.text"
		case "date":
			label = "discord.modal.label.date"
		case "zip":
			label = "discord.modal.label.zip"
		case "phone":
			label = "discord.modal.label.phone"
		}
		if st.Collect.Append {
			style, max = discordgo.TextInputParagraph, 4000
		}
		if st.Collect.Max > 0 && st.Collect.Max < max {
			max = st.Collect.Max
		}
	}
	return &discordgo.InteractionResponseData{
		CustomID: customID(kindForm, state),
		Title:    clip(b.text(lang, "discord.modal.title", nil), 45),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.TextInput{
				CustomID:  inputID,
				Label:     clip(b.text(lang, label, nil), 45),
				Style:     style,
				Required:  true,
				MaxLength: max,
			},
		}}},
	}
}

// clip shortens s to at most n characters, ending with "…" if cut.
func clip(s string, n int) string { return locales.Clip(s, n, locales.Runes) }
