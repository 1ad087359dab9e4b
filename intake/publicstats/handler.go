package publicstats

import (
	"bytes"
	"context"
	"embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Path is where the statistics are served.
const Path = "/stats"

//go:embed stats.html
var pageFiles embed.FS

var page = template.Must(template.ParseFS(pageFiles, "stats.html"))

// Config is what the handler needs.
type Config struct {
	Store *store.Store
	// Catalog names categories and places in English (nil: the codes).
	Catalog *locales.Catalog
	// Threshold is the smallest count published (DefaultThreshold when 0;
	// never under MinThreshold).
	Threshold int
	Log       *slog.Logger
	Now       func() time.Time
}

// Handler serves the public statistics of the commissions that opted in.
type Handler struct {
	cfg Config
	mux *http.ServeMux
}

// New returns the handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("publicstats: Store is required")
	}
	if cfg.Threshold == 0 {
		cfg.Threshold = DefaultThreshold
	}
	if cfg.Threshold < MinThreshold {
		return nil, errors.New("publicstats: the threshold must be at least 3")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &Handler{cfg: cfg, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET "+Path, h.index)
	h.mux.HandleFunc("GET "+Path+"/{file}", h.commission)
	return h, nil
}

// Register mounts the handler on mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle(Path, h.mux)
	mux.Handle(Path+"/", h.mux)
}

// Published is one commission's statistics as published.
type Published struct {
	Commission string    `json:"commission"`
	Name       string    `json:"name"`
	Threshold  int       `json:"threshold"`
	Generated  string    `json:"generated"`
	Note       string    `json:"note"`
	Cells      []PubCell `json:"cells"`
	ByQuarter  []PubTot  `json:"by_quarter"`
	ByCategory []PubTot  `json:"by_category"`
	All        PubCount  `json:"all"`
}

// PubCount is a count or null when withheld.
type PubCount struct {
	Count      *int `json:"count"`
	Suppressed bool `json:"suppressed"`
}

// PubCell is one published cell.
type PubCell struct {
	Category      string `json:"category"`
	CategoryLabel string `json:"category_label"`
	Place         string `json:"place"`
	PlaceLabel    string `json:"place_label"`
	Quarter       string `json:"quarter"`
	Language      string `json:"language"`
	PubCount
}

// PubTot is one published total.
type PubTot struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	PubCount
}

func pub(c Count) PubCount {
	if c.Suppressed {
		return PubCount{Suppressed: true}
	}
	n := c.N
	return PubCount{Count: &n}
}

// Publish builds the published statistics of one opted-in commission.
func (h *Handler) Publish(ctx context.Context, id string) (Published, error) {
	cm, err := h.cfg.Store.PublicStatsCommission(ctx, id)
	if err != nil {
		return Published{}, err
	}
	raw, err := h.cfg.Store.PublicStatCells(ctx, id)
	if err != nil {
		return Published{}, err
	}
	cells := make([]Cell, len(raw))
	for i, r := range raw {
		cells[i] = Cell{Key{r.Category, r.Place, r.Quarter, r.Lang}, r.N}
	}
	t := Suppress(cells, h.cfg.Threshold)
	p := Published{Commission: cm.ID, Name: cm.Name, Threshold: h.cfg.Threshold, Generated: h.cfg.Now().UTC().Format(time.DateOnly),
		Note: "Reports received by Rightsline and routed to this commission, by category, place, quarter (UTC) and the language the resident used. " +
			"Counts under " + strconv.Itoa(h.cfg.Threshold) + " are withheld, and so are other counts that would reveal them. Reports filed through the public simulator, spam and duplicates are not counted. These are reports, not findings.",
		All: pub(t.All), Cells: []PubCell{}, ByQuarter: []PubTot{}, ByCategory: []PubTot{}}
	for _, c := range t.Cells {
		p.Cells = append(p.Cells, PubCell{Category: c.Category, CategoryLabel: h.label("intake.cat.", c.Category), Place: c.Place,
			PlaceLabel: h.label("place.", c.Place), Quarter: c.Quarter, Language: c.Lang, PubCount: pub(c.Count)})
	}
	for _, q := range keys(t.ByQuarter) {
		p.ByQuarter = append(p.ByQuarter, PubTot{Key: q, Label: q, PubCount: pub(t.ByQuarter[q])})
	}
	for _, c := range keys(t.ByCategory) {
		p.ByCategory = append(p.ByCategory, PubTot{Key: c, Label: h.label("intake.cat.", c), PubCount: pub(t.ByCategory[c])})
	}
	return p, nil
}

func (h *Handler) label(prefix, code string) string {
	if h.cfg.Catalog != nil && code != "" {
		if s, err := h.cfg.Catalog.Text(locales.English, prefix+code, nil); err == nil && !strings.Contains(s, "\n") {
			return s
		}
	}
	if code == "" {
		return "unknown"
	}
	return code
}

func keys(m map[string]Count) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// index lists the commissions that publish statistics.
func (h *Handler) index(w http.ResponseWriter, r *http.Request) {
	comms, err := h.cfg.Store.PublicStatsCommissions(r.Context())
	if err != nil {
		h.fail(w, err)
		return
	}
	h.html(w, map[string]any{"Index": true, "Commissions": comms})
}

// commission serves /stats/{id}, /stats/{id}.csv and /stats/{id}.json.
func (h *Handler) commission(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	id, format := file, "html"
	if base, ok := strings.CutSuffix(file, ".csv"); ok {
		id, format = base, "csv"
	} else if base, ok := strings.CutSuffix(file, ".json"); ok {
		id, format = base, "json"
	}
	p, err := h.Publish(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, "No statistics are published for this commission.", http.StatusNotFound)
		return
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	switch format {
	case "json":
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(p)
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="rightsline-`+p.Commission+`-statistics.csv"`)
		_ = writeCSV(w, p)
	default:
		h.html(w, map[string]any{"P": p})
	}
}

// writeCSV writes the cells, then the totals, one table; withheld counts
// are empty with suppressed=true.
func writeCSV(w http.ResponseWriter, p Published) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"row", "category", "category_label", "place", "place_label", "quarter", "language", "count", "suppressed"})
	n := func(c PubCount) (string, string) {
		if c.Suppressed || c.Count == nil {
			return "", "true"
		}
		return strconv.Itoa(*c.Count), "false"
	}
	for _, c := range p.Cells {
		v, s := n(c.PubCount)
		_ = cw.Write([]string{"cell", c.Category, c.CategoryLabel, c.Place, c.PlaceLabel, c.Quarter, c.Language, v, s})
	}
	for _, q := range p.ByQuarter {
		v, s := n(q.PubCount)
		_ = cw.Write([]string{"total by quarter", "", "", "", "", q.Key, "", v, s})
	}
	for _, c := range p.ByCategory {
		v, s := n(c.PubCount)
		_ = cw.Write([]string{"total by category", c.Key, c.Label, "", "", "", "", v, s})
	}
	v, s := n(p.All)
	_ = cw.Write([]string{"total", "", "", "", "", "", "", v, s})
	cw.Flush()
	return cw.Error()
}

func (h *Handler) html(w http.ResponseWriter, data any) {
	var buf bytes.Buffer
	if err := page.Execute(&buf, data); err != nil {
		h.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = buf.WriteTo(w)
}

func (h *Handler) fail(w http.ResponseWriter, err error) {
	h.cfg.Log.Error("publicstats: internal error", "err", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}
