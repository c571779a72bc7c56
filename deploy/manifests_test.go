// Package deploy holds the files that run cogload elsewhere: the
// container image (../Dockerfile), Kubernetes manifests (kubernetes/) and
// a local simulation of the sharded Job. Its tests keep them valid: every
// manifest decodes strictly as its Kubernetes type, the command lines the
// pods would run are ones cogload accepts, the image is a static binary
// that runs with an empty environment, and the Job, simulated with
// processes on loopback, merges to the plan.
package deploy

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/cogload/cogload/cli"
	"github.com/cogload/cogload/scenarios"
)

// manifests is every object of kubernetes/, decoded strictly.
type manifests struct {
	configMaps map[string]*corev1.ConfigMap
	jobs       map[string]*batchv1.Job
	accounts   map[string]*corev1.ServiceAccount
}

// loadManifests decodes each kubernetes/*.yaml as the type its kind names,
// rejecting unknown and duplicate fields.
func loadManifests(t *testing.T) manifests {
	t.Helper()
	files, err := filepath.Glob("kubernetes/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	m := manifests{configMaps: map[string]*corev1.ConfigMap{}, jobs: map[string]*batchv1.Job{}, accounts: map[string]*corev1.ServiceAccount{}}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal(b, &head); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var obj interface{ GetName() string }
		switch head.APIVersion + " " + head.Kind {
		case "v1 ConfigMap":
			cm := &corev1.ConfigMap{}
			obj, m.configMaps[f] = cm, cm
		case "batch/v1 Job":
			j := &batchv1.Job{}
			obj, m.jobs[f] = j, j
		case "v1 ServiceAccount":
			sa := &corev1.ServiceAccount{}
			obj, m.accounts[f] = sa, sa
		default:
			t.Fatalf("%s: %s %s is not a kind this test decodes: add it", f, head.APIVersion, head.Kind)
		}
		if err := yaml.UnmarshalStrict(b, obj); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if obj.GetName() == "" {
			t.Errorf("%s: no metadata.name", f)
		}
	}
	return m
}

func (m manifests) configMap(t *testing.T, name string) *corev1.ConfigMap {
	t.Helper()
	return byName(t, "ConfigMap", name, m.configMaps)
}

func (m manifests) job(t *testing.T, name string) *batchv1.Job {
	t.Helper()
	return byName(t, "Job", name, m.jobs)
}

func byName[T interface{ GetName() string }](t *testing.T, kind, name string, objs map[string]T) T {
	t.Helper()
	for _, o := range objs {
		if o.GetName() == name {
			return o
		}
	}
	t.Fatalf("no %s %s among the manifests", kind, name)
	var zero T
	return zero
}

// usersSecret stands in for the cogload-users Secret, which is made from
// the user's own users.csv and not kept in the repository.
const usersSecret = "cogload-users"

// podRun is the command line one pod of a Job runs, as the kubelet would
// build it: the container's environment (env, envFrom, and
// JOB_COMPLETION_INDEX for an Indexed Job), $(VAR) references in args
// expanded from it, and the mount paths of its volumes replaced by local
// folders holding the same files.
type podRun struct {
	args []string
	env  map[string]string
}

// podCommand builds pod index's command line for job; root is where its
// volumes are materialised; users is the users.csv the Secret would hold.
func (m manifests) podCommand(t *testing.T, job *batchv1.Job, index int, root string, users []byte) podRun {
	t.Helper()
	spec := job.Spec.Template.Spec
	if len(spec.Containers) != 1 {
		t.Fatalf("job %s: want one container, got %d", job.Name, len(spec.Containers))
	}
	c := spec.Containers[0]
	if len(c.Command) > 0 {
		t.Errorf("job %s: command %q overrides the image's ENTRYPOINT; give args only", job.Name, c.Command)
	}
	env := map[string]string{}
	for _, ef := range c.EnvFrom {
		if ef.ConfigMapRef == nil {
			t.Fatalf("job %s: envFrom other than a ConfigMap", job.Name)
		}
		maps.Copy(env, m.configMap(t, ef.ConfigMapRef.Name).Data)
	}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			env[e.Name] = expand(e.Value, env)
		case e.ValueFrom.ConfigMapKeyRef != nil:
			ref := e.ValueFrom.ConfigMapKeyRef
			v, ok := m.configMap(t, ref.Name).Data[ref.Key]
			if !ok {
				t.Fatalf("job %s: env %s: ConfigMap %s has no key %s", job.Name, e.Name, ref.Name, ref.Key)
			}
			env[e.Name] = v
		default:
			t.Fatalf("job %s: env %s: this test resolves values and ConfigMap keys only", job.Name, e.Name)
		}
	}
	if job.Spec.CompletionMode != nil && *job.Spec.CompletionMode == batchv1.IndexedCompletion {
		env[scenarios.JobIndexEnv] = strconv.Itoa(index)
	}
	mounts := map[string]string{}
	for _, vm := range c.VolumeMounts {
		local := filepath.Join(root, vm.Name)
		if err := os.MkdirAll(local, 0o755); err != nil {
			t.Fatal(err)
		}
		mounts[vm.MountPath] = local
		for _, v := range spec.Volumes {
			if v.Name == vm.Name {
				m.materialise(t, job.Name, v, local, users)
			}
		}
	}
	// The longest mount path that prefixes an argument is where it lives.
	byLength := slices.SortedFunc(maps.Keys(mounts), func(a, b string) int { return len(b) - len(a) })
	var args []string
	for _, a := range c.Args {
		a = expand(a, env)
		for _, mp := range byLength {
			if rest, ok := strings.CutPrefix(a, mp+"/"); ok {
				a = filepath.Join(mounts[mp], rest)
				break
			}
		}
		args = append(args, a)
	}
	return podRun{args: args, env: env}
}

// materialise writes the files a volume would show into dir.
func (m manifests) materialise(t *testing.T, job string, v corev1.Volume, dir string, users []byte) {
	t.Helper()
	write := func(path string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, path), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	switch {
	case v.EmptyDir != nil:
	case v.Projected != nil:
		for _, src := range v.Projected.Sources {
			switch {
			case src.ConfigMap != nil:
				cm := m.configMap(t, src.ConfigMap.Name)
				for _, it := range src.ConfigMap.Items {
					data, ok := cm.Data[it.Key]
					if !ok {
						t.Fatalf("job %s: volume %s: ConfigMap %s has no key %s", job, v.Name, cm.Name, it.Key)
					}
					write(it.Path, []byte(data))
				}
			case src.Secret != nil && src.Secret.Name == usersSecret:
				for _, it := range src.Secret.Items {
					if it.Key != "users.csv" {
						t.Fatalf("job %s: Secret %s is made with the key users.csv, not %s", job, usersSecret, it.Key)
					}
					write(it.Path, users)
				}
			default:
				t.Fatalf("job %s: volume %s: a projected source this test does not know", job, v.Name)
			}
		}
	default:
		t.Fatalf("job %s: volume %s: a kind this test does not materialise", job, v.Name)
	}
}

var varRef = regexp.MustCompile(`\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// expand replaces $(VAR) with env's value as Kubernetes does in args and
// env values: an undefined reference stays as written, $$ is a $
// (https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/).
func expand(s string, env map[string]string) string {
	return varRef.ReplaceAllStringFunc(s, func(ref string) string {
		if ref == "$$" {
			return "$"
		}
		if v, ok := env[ref[2:len(ref)-1]]; ok {
			return v
		}
		return ref
	})
}

func testUsers(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "load-user-%03d,Password-%03d!\n", i, i)
	}
	return []byte(b.String())
}

func TestManifestsDecodeStrictly(t *testing.T) {
	m := loadManifests(t)
	if len(m.jobs) != 2 || len(m.accounts) != 1 {
		t.Fatalf("want the load and merge Jobs and one ServiceAccount, got %d Jobs, %d ServiceAccounts", len(m.jobs), len(m.accounts))
	}
	load := m.job(t, "cogload-load")
	s := load.Spec
	if s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion || s.Completions == nil || s.Parallelism == nil || *s.Completions != *s.Parallelism {
		t.Fatalf("cogload-load must be an Indexed Job with parallelism = completions: %+v", s)
	}
	n := int(*s.Completions)
	if !slices.Contains(s.Template.Spec.Containers[0].Args, fmt.Sprintf("--shard=auto/%d", n)) {
		t.Errorf("cogload-load: %d completions but args %q lack --shard=auto/%d", n, s.Template.Spec.Containers[0].Args, n)
	}
	if s.BackoffLimitPerIndex == nil || *s.BackoffLimitPerIndex != 0 {
		t.Error("cogload-load: a failed shard must not be retried (backoffLimitPerIndex: 0): it would start after START_AT and be refused")
	}
	user := dockerUser(t)
	for name, j := range m.jobs {
		ps := j.Spec.Template.Spec
		c := ps.Containers[0]
		if ps.RestartPolicy != corev1.RestartPolicyNever {
			t.Errorf("%s: restartPolicy %q, want Never (a restarted shard starts late)", name, ps.RestartPolicy)
		}
		if sc := ps.SecurityContext; sc == nil || sc.RunAsUser == nil || *sc.RunAsUser != user || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
			t.Errorf("%s: the pod must run as non-root user %d, the image's USER", name, user)
		}
		if c.SecurityContext == nil || c.SecurityContext.ReadOnlyRootFilesystem == nil || !*c.SecurityContext.ReadOnlyRootFilesystem {
			t.Errorf("%s: want a read-only root filesystem (archives go to the /tmp emptyDir)", name)
		}
		if c.Image != load.Spec.Template.Spec.Containers[0].Image {
			t.Errorf("%s: image %s differs from the load Job's", name, c.Image)
		}
		if !slices.ContainsFunc(c.VolumeMounts, func(v corev1.VolumeMount) bool { return v.MountPath == "/tmp" }) {
			t.Errorf("%s: no writable /tmp for the archive", name)
		}
		if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
			t.Errorf("%s: want cpu and memory requests and a memory limit", name)
		}
	}
}

// TestPodCommandLinesAreAccepted: every pod's command line, built as the
// kubelet would, passes cogload's own flag parsing and checks (scenario
// compiled, shard split) without running a load.
func TestPodCommandLinesAreAccepted(t *testing.T) {
	m := loadManifests(t)
	for _, j := range m.jobs {
		pods := 1
		if j.Spec.Completions != nil {
			pods = int(*j.Spec.Completions)
		}
		for i := range pods {
			pod := m.podCommand(t, j, i, t.TempDir(), testUsers(20))
			for _, a := range pod.args {
				if strings.Contains(a, "$(") {
					t.Errorf("%s pod %d: %q refers to a variable the container does not define", j.Name, i, a)
				}
			}
			if err := cli.Check(pod.args, cli.Stdio{Env: envList(pod.env)}); err != nil {
				t.Errorf("%s pod %d: cogload %s: %v", j.Name, i, strings.Join(pod.args, " "), err)
			}
		}
	}
}

func envList(env map[string]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

func TestExpand(t *testing.T) {
	env := map[string]string{"A": "x", "B": "$(A)"}
	for in, want := range map[string]string{
		"$(A)/$(B)": "x/$(A)", "$(C)": "$(C)", "$$(A)": "$(A)", "a$$b": "a$b", "--x=$(A)": "--x=x",
	} {
		if got := expand(in, env); got != want {
			t.Errorf("expand(%q) = %q, want %q", in, got, want)
		}
	}
}
