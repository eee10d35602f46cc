// Command amqp091_interop drives a broker with rabbitmq/amqp091-go, the Go client
// RabbitMQ maintains, the way Go services use it: publisher confirms and manual
// acks, channel errors, closing with publishes in flight, server-named and
// exclusive queues, topic and headers routing, idempotent cleanup, loopback host
// names, and a NotifyClose reconnect loop under faults injected through
// POST /api/faults.
//
// Usage:
//
//	amqp091_interop [--check REGEXP] PATH/TO/fakebroker
//	    starts the broker with --port 0 --http-port 0, runs every check, stops it
//	amqp091_interop [--check REGEXP] --url amqp://guest:guest@127.0.0.1:5672/
//	    runs the behavioural checks against that broker (a real RabbitMQ); the
//	    fault checks need the fake's API and are skipped
//
// Each check prints what it expected and what it saw. The exit code is 0 only when
// every check passed. Every wait is bounded.
package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// checkTimeout bounds one check; a check that hangs is reported and the run goes on.
const checkTimeout = 20 * time.Second

// target is the broker under test.
type target struct {
	amqpURL string
	httpURL string // empty when the broker has no fault API (a real RabbitMQ)
	suffix  string // appended to every name this run creates
}

func (t target) name(base string) string { return "go." + base + "." + t.suffix }

func randomSuffix() string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// brokerProcess is a standalone fakebroker started with --port 0 --http-port 0.
type brokerProcess struct {
	cmd    *exec.Cmd
	lines  chan string
	output []string
}

var (
	amqpLine = regexp.MustCompile(`listening on (amqp://\S+)`)
	httpLine = regexp.MustCompile(`management API on (http://\S+)`)
)

func startBroker(binary string) (*brokerProcess, string, string, error) {
	cmd := exec.Command(binary, "--port", "0", "--http-port", "0")
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", "", err
	}
	b := &brokerProcess{cmd: cmd, lines: make(chan string, 1024)}
	go func() {
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			b.lines <- scanner.Text()
		}
		close(b.lines)
	}()
	var amqpURL, httpURL string
	deadline := time.After(10 * time.Second)
	for amqpURL == "" || httpURL == "" {
		select {
		case line, ok := <-b.lines:
			if !ok {
				b.stop()
				return nil, "", "", fmt.Errorf("the broker exited before printing its URLs; output: %q", b.output)
			}
			b.output = append(b.output, line)
			if m := amqpLine.FindStringSubmatch(line); m != nil {
				amqpURL = m[1]
			}
			if m := httpLine.FindStringSubmatch(line); m != nil {
				httpURL = m[1]
			}
		case <-deadline:
			b.stop()
			return nil, "", "", fmt.Errorf("the broker printed no URLs within 10 s; output: %q", b.output)
		}
	}
	// Keep draining the broker's output (fault log lines) so that it never blocks on a full pipe.
	go func() {
		for line := range b.lines {
			fmt.Println("  broker: " + line)
		}
	}()
	return b, amqpURL, httpURL, nil
}

// stop sends SIGTERM and waits at most 10 s before killing the broker.
func (b *brokerProcess) stop() error {
	if err := b.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- b.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		b.cmd.Process.Kill()
		<-done
		return fmt.Errorf("the broker did not stop within 10 s of SIGTERM; killed")
	}
}

func main() {
	url := flag.String("url", "", "run the behavioural checks against this broker instead of starting one")
	only := flag.String("check", "", "run only the checks whose names match this regular expression")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: %s PATH/TO/fakebroker | --url amqp://USER:PASS@HOST:PORT/\n", os.Args[0])
	}
	flag.Parse()

	t := target{amqpURL: *url, suffix: randomSuffix()}
	var broker *brokerProcess
	switch {
	case *url != "" && flag.NArg() == 0:
	case *url == "" && flag.NArg() == 1:
		var err error
		broker, t.amqpURL, t.httpURL, err = startBroker(flag.Arg(0))
		if err != nil {
			fmt.Println("FAIL start the broker: " + err.Error())
			os.Exit(1)
		}
		fmt.Printf("fakebroker at %s, management API at %s\n", t.amqpURL, t.httpURL)
	default:
		flag.Usage()
		os.Exit(2)
	}

	selected, err := regexp.Compile(*only)
	if err != nil {
		fmt.Println("bad --check: " + err.Error())
		os.Exit(2)
	}
	r := &report{}
	for _, c := range checks {
		if !selected.MatchString(c.name) {
			continue
		}
		if c.needsFaults && t.httpURL == "" {
			fmt.Printf("SKIP %s: needs the fake broker's POST /api/faults (not available with --url)\n", c.name)
			continue
		}
		r.run(c, t)
	}

	if broker != nil {
		if err := broker.stop(); err != nil {
			r.fail("stop the broker", "exit after SIGTERM", err.Error())
		}
	}
	fmt.Printf("%d checks passed, %d failed\n", r.passed, len(r.failed))
	if len(r.failed) > 0 {
		fmt.Println("failed: " + strings.Join(r.failed, ", "))
		os.Exit(1)
	}
}
