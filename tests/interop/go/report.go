package main

import (
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"time"
)

// check is one named scenario. needsFaults: it drives the fake broker's fault API.
type check struct {
	name        string
	needsFaults bool
	run         func(c *checkRun, t target)
}

// checkRun collects the expectations of one running check. A check runs on its own
// goroutine; fatal() ends it there, after its deferred cleanup.
type checkRun struct {
	name     string
	mu       sync.Mutex
	failures int
}

func (c *checkRun) record(ok bool, what, expected string, saw interface{}) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ok {
		fmt.Printf("  ok   %s: %s: saw %v\n", c.name, what, saw)
		return true
	}
	c.failures++
	fmt.Printf("  FAIL %s: %s: expected %s, saw %v\n", c.name, what, expected, saw)
	return false
}

// expect records a condition with what was expected and what was seen.
func (c *checkRun) expect(ok bool, what, expected string, saw interface{}) bool {
	return c.record(ok, what, expected, saw)
}

// equal records whether saw equals expected (reflect.DeepEqual).
func (c *checkRun) equal(what string, expected, saw interface{}) bool {
	return c.record(reflect.DeepEqual(expected, saw), what, fmt.Sprintf("%v", expected), saw)
}

// must ends the check when err is not nil: what follows depends on the step.
func (c *checkRun) must(err error, what string) {
	if err != nil {
		c.fatal(what, "no error", err)
	}
}

func (c *checkRun) fatal(what, expected string, saw interface{}) {
	c.record(false, what, expected, saw)
	runtime.Goexit()
}

type report struct {
	passed int
	failed []string
}

func (r *report) fail(name, expected, saw string) {
	fmt.Printf("FAIL %s: expected %s, saw %s\n", name, expected, saw)
	r.failed = append(r.failed, name)
}

// run runs one check on its own goroutine, bounded by checkTimeout.
func (r *report) run(ch check, t target) {
	fmt.Printf("RUN  %s\n", ch.name)
	c := &checkRun{name: ch.name}
	done := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				c.record(false, "no panic", "none", p)
			}
		}()
		ch.run(c, t)
	}()
	select {
	case <-done:
	case <-time.After(checkTimeout):
		c.record(false, "finishes in time", fmt.Sprintf("done within %v", checkTimeout), "still running")
		// Where it hangs is what the reader of the report needs.
		stacks := make([]byte, 1<<20)
		fmt.Printf("  goroutines of the hung check:\n%s\n", stacks[:runtime.Stack(stacks, true)])
	}
	c.mu.Lock()
	failures := c.failures
	c.mu.Unlock()
	elapsed := time.Since(start).Round(time.Millisecond)
	if failures == 0 {
		fmt.Printf("PASS %s (%v)\n", ch.name, elapsed)
		r.passed++
	} else {
		fmt.Printf("FAIL %s: %d expectation(s) not met (%v)\n", ch.name, failures, elapsed)
		r.failed = append(r.failed, ch.name)
	}
}
