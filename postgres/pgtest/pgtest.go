// Package pgtest gives tests a real PostgreSQL: a throwaway cluster that
// it starts on a loopback port (initdb and pg_ctl, as an unprivileged user,
// in a temporary directory) and stops when the tests end, or the server
// named by $TIES_TEST_POSTGRES. Each test gets a database of its own.
//
// A package that uses it runs its tests through Main:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// Where no PostgreSQL can be had, tests skip with the reason, except under
// CI=true, where they fail, so a CI run cannot pass without PostgreSQL.
package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names an existing server to use instead of starting one: the URL
// of a role that may create databases, e.g.
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
const EnvURL = "TIES_TEST_POSTGRES"

var (
	once     sync.Once
	server   *cluster // nil when EnvURL is used or the start failed
	adminURL string
	startErr error
	dbSeq    atomic.Int64
)

// Main runs the tests and stops the cluster, if one was started.
func Main(m *testing.M) int {
	code := m.Run()
	if server != nil {
		if err := server.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	return code
}

// ServerURL returns the URL of the server's maintenance database, starting
// the throwaway cluster on first use.
func ServerURL() (string, error) {
	once.Do(func() {
		if u := os.Getenv(EnvURL); u != "" {
			adminURL = u
			return
		}
		server, startErr = startCluster()
		if startErr == nil {
			adminURL = server.url
		}
	})
	return adminURL, startErr
}

// NewDatabase creates an empty database for tb and returns its URL; it is
// dropped when tb ends. Without a server tb skips (fails under CI=true).
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	admin, err := ServerURL()
	if err != nil {
		Unavailable(tb, err)
	}
	name := fmt.Sprintf("ties_test_%d_%d", os.Getpid(), dbSeq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		Unavailable(tb, fmt.Errorf("connect to %s: %w", redact(admin), err))
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("pgtest: create database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			tb.Errorf("pgtest: drop database %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatalf("pgtest: %s: %v", EnvURL, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Unavailable ends tb because no PostgreSQL could be had: a skip, or a
// failure under CI=true.
func Unavailable(tb testing.TB, err error) {
	tb.Helper()
	msg := fmt.Sprintf("no PostgreSQL for this test: %v (install the PostgreSQL server binaries with scripts/pg install, or set %s)", err, EnvURL)
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	return p.Redacted()
}

// cluster is a PostgreSQL cluster in a temporary directory.
type cluster struct {
	dir    string // holds data/, the socket and the log
	bin    string
	runAs  string // user the server runs as; "" for the current user
	url    string
	stopMu sync.Mutex
}

// BinDir finds initdb and pg_ctl: the newest /usr/lib/postgresql/*/bin
// (Debian), else $PATH.
func BinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	return "", errors.New("initdb and pg_ctl not found in /usr/lib/postgresql/*/bin or $PATH")
}

func pgMajor(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// installBinaries runs scripts/pg install (apt-get install postgresql) when
// asked to: under CI=true or TIES_TEST_PG_INSTALL=1.
func installBinaries() error {
	if os.Getenv("CI") != "true" && os.Getenv("TIES_TEST_PG_INSTALL") != "1" {
		return errors.New("not installing them outside CI (set TIES_TEST_PG_INSTALL=1 to let the tests run scripts/pg install)")
	}
	root, err := repoRoot()
	if err != nil {
		return err
	}
	cmd := exec.Command(filepath.Join(root, "scripts", "pg"), "install")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("scripts/pg install: %w", err)
	}
	return nil
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// serverUser picks who runs the server: initdb refuses root, so as root
// it is the "postgres" user (created by Debian's package), created with
// useradd when missing.
func serverUser() (name string, uid, gid int, err error) {
	if os.Geteuid() != 0 {
		return "", -1, -1, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		out, uerr := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres").CombinedOutput()
		if uerr != nil {
			return "", 0, 0, fmt.Errorf("useradd postgres: %v: %s", uerr, bytes.TrimSpace(out))
		}
		if u, err = user.Lookup("postgres"); err != nil {
			return "", 0, 0, err
		}
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return u.Username, uid, gid, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// ownerFile holds the pid of the test process that started a cluster, so
// a later run can stop clusters whose test binary died without stopping
// them (a panic, a -timeout, a kill).
const ownerFile = "owner.pid"

// reapOrphans stops and removes clusters started by test processes that
// are gone.
func reapOrphans(bin, runAs string) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "ties-pg-*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue // not ours, or still starting
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || syscall.Kill(pid, 0) != syscall.ESRCH {
			continue
		}
		c := &cluster{dir: dir, bin: bin, runAs: runAs}
		c.stop()
	}
}

func startCluster() (*cluster, error) {
	bin, err := BinDir()
	if err != nil {
		if ierr := installBinaries(); ierr != nil {
			return nil, fmt.Errorf("%v; %v", err, ierr)
		}
		if bin, err = BinDir(); err != nil {
			return nil, err
		}
	}
	runAs, uid, gid, err := serverUser()
	if err != nil {
		return nil, err
	}
	reapOrphans(bin, runAs)
	dir, err := os.MkdirTemp("", "ties-pg-")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c := &cluster{dir: dir, bin: bin, runAs: runAs}
	if runAs != "" {
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	if err := c.run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// A port can be taken between freePort and the server's bind: retry.
	for attempt := 0; ; attempt++ {
		port, err := freePort()
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", port, dir)
		err = c.run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "-o", opts, "start")
		if err == nil {
			c.url = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
			return c, nil
		}
		if attempt == 2 {
			log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			os.RemoveAll(dir)
			return nil, fmt.Errorf("%v\nserver log:\n%s", err, log)
		}
	}
}

func (c *cluster) run(tool string, args ...string) error {
	path := filepath.Join(c.bin, tool)
	var cmd *exec.Cmd
	if c.runAs != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.runAs, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = c.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v: %s", tool, err, bytes.TrimSpace(out))
	}
	return nil
}

func (c *cluster) stop() error {
	c.stopMu.Lock()
	defer c.stopMu.Unlock()
	err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-w", "-t", "60", "stop", "-m", "fast")
	if rerr := os.RemoveAll(c.dir); err == nil {
		err = rerr
	}
	return err
}
