// Package deploy holds no code: its tests check the deployment files
// beside them (Kubernetes manifests, compose file, Grafana dashboard,
// restore script) against what the service really reads and serves.
package deploy

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// Pinned tools and schema source. kubeconform is run with go run from
// the Go module proxy; the Kubernetes schemas are made from the OpenAPI
// document in the k8s.io/kubernetes module of the same proxy, so the
// check needs no other download.
const (
	kubeconform       = "github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0"
	kubernetesModule  = "k8s.io/kubernetes@v1.34.2"
	kubernetesVersion = "1.34.2"
)

// The manifests are valid Kubernetes objects: kubeconform in strict mode
// (unknown fields are errors) against schemas of Kubernetes 1.34.
func TestKubernetesManifestsAreValid(t *testing.T) {
	if testing.Short() {
		t.Skip("downloads kubeconform and the Kubernetes schemas from the module proxy")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("the go command is needed to fetch kubeconform")
	}
	schemas := t.TempDir()
	writeSchemas(t, goBin, schemas)
	files, _ := filepath.Glob("k8s/*.yaml")
	if len(files) < 5 {
		t.Fatalf("manifests: %v", files)
	}
	args := []string{"run", kubeconform, "-strict", "-summary", "-output", "text",
		"-kubernetes-version", kubernetesVersion,
		"-schema-location", filepath.Join(schemas, "{{ .ResourceKind }}{{ .KindSuffix }}.json"),
		"-skip", "Kustomization"}
	cmd := exec.Command(goBin, append(args, files...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("kubeconform: %v\n%s", err, out.String())
	}
	t.Logf("kubeconform: %s", strings.TrimSpace(out.String()))
	if !strings.Contains(out.String(), "Invalid: 0, Errors: 0") {
		t.Fatalf("kubeconform: %s", out.String())
	}
	// The validator must really refuse a bad manifest, or the pass above
	// means nothing.
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replicas: \"two\"\n  selector: {}\n  template: {}\n  surprise: 1\n"), 0o644)
	cmd = exec.Command(goBin, append(args, bad)...)
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("kubeconform accepted an invalid Deployment:\n%s", out)
	}
}

// writeSchemas turns the Kubernetes OpenAPI (v2) document into the JSON
// schema files kubeconform reads, one per kind, the way openapi2jsonschema
// does in strict mode: objects refuse unknown properties, and int-or-string
// and quantity fields take either form.
func writeSchemas(t *testing.T, goBin, dir string) {
	t.Helper()
	out, err := exec.Command(goBin, "mod", "download", "-json", kubernetesModule).Output()
	if err != nil {
		t.Fatalf("go mod download %s: %v", kubernetesModule, err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download: %s", out)
	}
	raw, err := os.ReadFile(filepath.Join(mod.Dir, "api", "openapi-spec", "swagger.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	defs := map[string]any{}
	for name, d := range spec.Definitions {
		defs[name] = strictify(d)
	}
	for _, name := range []string{"io.k8s.apimachinery.pkg.util.intstr.IntOrString", "io.k8s.apimachinery.pkg.api.resource.Quantity"} {
		defs[name] = map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "number"}}}
	}
	writeJSON(t, filepath.Join(dir, "_definitions.json"), map[string]any{"definitions": defs})
	n := 0
	for name, d := range spec.Definitions {
		gvks, _ := d["x-kubernetes-group-version-kind"].([]any)
		for _, g := range gvks {
			gvk := g.(map[string]any)
			group, _ := gvk["group"].(string)
			version, _ := gvk["version"].(string)
			kind, _ := gvk["kind"].(string)
			suffix := "-" + strings.ToLower(version)
			if group != "" {
				suffix = "-" + strings.ToLower(strings.Split(group, ".")[0]) + suffix
			}
			file := filepath.Join(dir, strings.ToLower(kind)+suffix+".json")
			writeJSON(t, file, map[string]any{"$ref": "_definitions.json#/definitions/" + name})
			n++
		}
	}
	if n < 50 {
		t.Fatalf("only %d kinds in the OpenAPI document", n)
	}
}

// strictify rewrites one definition: "$ref": "#/definitions/X" points at
// the shared file, and objects with properties allow no others.
func strictify(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			if k == "$ref" {
				if s, ok := val.(string); ok {
					out[k] = "_definitions.json" + s
					continue
				}
			}
			out[k] = strictify(val)
		}
		if _, ok := out["properties"]; ok {
			if _, set := out["additionalProperties"]; !set {
				out["additionalProperties"] = false
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = strictify(x[i])
		}
		return out
	}
	return v
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// envNames are the variables .env.example documents.
func envNames(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^([A-Z][A-Z0-9_]+)=`).FindAllStringSubmatch(string(b), -1) {
		names[m[1]] = true
	}
	return names
}

// knownVariable reports whether name is a documented variable, or the
// NAME_FILE form of one.
func knownVariable(names map[string]bool, name string) bool {
	return names[name] || names[strings.TrimSuffix(name, "_FILE")]
}

// yamlDocs parses every YAML document in path.
func yamlDocs(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	var docs []map[string]any
	for {
		var d map[string]any
		if err := dec.Decode(&d); err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("%s: %v", path, err)
		}
		docs = append(docs, d)
	}
	return docs
}

func get(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// The Deployment runs what the service offers: its commands, probes on
// its health endpoints, documented variables, secrets by reference, a
// grace period longer than the drain and shutdown, and a replica count
// the pool settings fit under Postgres's default max_connections.
func TestKubernetesDeploymentMatchesTheService(t *testing.T) {
	names := envNames(t)
	cm := yamlDocs(t, "k8s/configmap.yaml")[0]
	for k := range get(cm, "data").(map[string]any) {
		if !knownVariable(names, k) {
			t.Errorf("ConfigMap sets %s, which .env.example does not list", k)
		}
	}
	dep := yamlDocs(t, "k8s/deployment.yaml")[0]
	pod := get(dep, "spec", "template", "spec")
	if get(pod, "securityContext", "runAsNonRoot") != true {
		t.Error("pods may run as root")
	}
	inits := get(pod, "initContainers").([]any)
	if args := get(inits[0], "args").([]any); len(args) != 1 || args[0] != "migrate" {
		t.Errorf("init container runs %v, want migrate", args)
	}
	c := get(pod, "containers").([]any)[0]
	if args := get(c, "args").([]any); args[0] != "serve" {
		t.Errorf("container runs %v", args)
	}
	if get(c, "readinessProbe", "httpGet", "path") != "/readyz" || get(c, "livenessProbe", "httpGet", "path") != "/healthz" {
		t.Error("probes do not use /readyz and /healthz")
	}
	if get(c, "resources", "requests") == nil || get(c, "resources", "limits") == nil {
		t.Error("no resource requests and limits")
	}
	for _, e := range get(c, "env").([]any) {
		name := get(e, "name").(string)
		if !knownVariable(names, name) {
			t.Errorf("env %s is not in .env.example", name)
		}
		if get(e, "value") != nil && (strings.Contains(name, "TOKEN") || strings.Contains(name, "DATABASE_URL")) {
			t.Errorf("secret %s given by value, not by reference", name)
		}
	}
	grace := get(pod, "terminationGracePeriodSeconds").(int)
	data := get(cm, "data").(map[string]any)
	drain, shutdown := seconds(t, data["DRAIN_TIMEOUT"].(string)), seconds(t, data["SHUTDOWN_TIMEOUT"].(string))
	if grace <= drain+shutdown {
		t.Errorf("terminationGracePeriodSeconds %d does not cover DRAIN_TIMEOUT+SHUTDOWN_TIMEOUT (%d s)", grace, drain+shutdown)
	}
	hpa := yamlDocs(t, "k8s/hpa.yaml")[0]
	maxPods := get(hpa, "spec", "maxReplicas").(int)
	conns, err := strconv.Atoi(data["DB_MAX_OPEN_CONNS"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if maxPods*conns > 90 {
		t.Errorf("%d pods x %d connections exceed Postgres's default max_connections (100) less room for admin", maxPods, conns)
	}
}

// The compose file: Postgres, two instances behind a TLS proxy, secrets
// as files, documented variables, health checks with the binary itself.
// It is checked by reading it (no container engine is needed, or run).
func TestComposeFile(t *testing.T) {
	doc := yamlDocs(t, "compose.yaml")[0]
	services := get(doc, "services").(map[string]any)
	var names []string
	for n := range services {
		names = append(names, n)
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "postgres,proxy,rightsline-1,rightsline-2" {
		t.Fatalf("services %v", names)
	}
	env := envNames(t)
	for _, n := range []string{"rightsline-1", "rightsline-2"} {
		s := services[n]
		if get(s, "depends_on", "postgres", "condition") != "service_healthy" {
			t.Errorf("%s does not wait for a healthy Postgres", n)
		}
		test := get(s, "healthcheck", "test").([]any)
		if len(test) < 3 || test[1] != "/rightsline" || test[2] != "healthcheck" {
			t.Errorf("%s health check: %v", n, test)
		}
		for k := range get(s, "environment").(map[string]any) {
			if !knownVariable(env, k) {
				t.Errorf("%s sets %s, which .env.example does not list", n, k)
			}
		}
		if get(s, "environment", "DATABASE_URL") != nil {
			t.Errorf("%s has DATABASE_URL by value; use the secret file", n)
		}
	}
	for _, s := range get(doc, "secrets").(map[string]any) {
		if f := get(s, "file").(string); !strings.HasPrefix(f, "./compose/") {
			t.Errorf("secret file %s outside deploy/compose", f)
		}
	}
	ports := get(services["proxy"], "ports").([]any)
	if len(ports) == 0 || !strings.HasSuffix(ports[len(ports)-1].(string), ":443") {
		t.Errorf("proxy ports %v, want 443", ports)
	}
	caddy, err := os.ReadFile("compose/Caddyfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"rightsline-1:8080", "rightsline-2:8080", "health_uri /readyz", "X-Request-ID"} {
		if !strings.Contains(string(caddy), want) {
			t.Errorf("Caddyfile lacks %q", want)
		}
	}
	ignored, err := os.ReadFile("../.gitignore")
	if err != nil || !strings.Contains(string(ignored), "/deploy/compose/postgres-password") || !strings.Contains(string(ignored), "/deploy/compose/database-url") {
		t.Error(".gitignore does not keep the compose secret files out of git")
	}
}

// The image: non-root, a writable data volume as working directory, the
// binary's own health check, a version stamp; the build context leaves
// out secrets and databases.
func TestDockerfileAndIgnore(t *testing.T) {
	df, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"USER 65532:65532", "WORKDIR /data", `VOLUME ["/data"]`, "--chown=65532:65532 /out/data /data",
		`HEALTHCHECK`, `CMD ["/rightsline", "healthcheck"]`, "-X main.version=${VERSION}", "DATABASE_URL=sqlite:/data/rightsline.db"} {
		if !strings.Contains(string(df), want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	ign, err := os.ReadFile("../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(string(ign), "\n") {
		lines[strings.TrimSpace(l)] = true
	}
	for _, want := range []string{".env", ".git", "*.db", "*.db-wal", "/rightsline"} {
		if !lines[want] {
			t.Errorf(".dockerignore does not leave out %s", want)
		}
	}
}

func seconds(t *testing.T, s string) int {
	t.Helper()
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatal(err)
	}
	return int(d.Seconds())
}
