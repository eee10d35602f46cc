package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// amqp091-go does not reconnect by itself. robustSession is the loop a Go service
// writes around it: wait on Connection.NotifyClose; on an error, dial again with a
// bounded exponential backoff, declare the queue again, reopen the confirm channel
// and consume again; publishes that were not confirmed are retried on the next
// connection (at least once: the consumer may see a message twice).
type robustSession struct {
	target   target
	connName string
	queue    string

	mu       sync.Mutex
	link     *link
	changed  chan struct{} // closed and replaced whenever link changes
	closing  bool
	finished chan struct{} // closed when the supervisor has returned

	// What the supervisor saw, for the check to read afterwards.
	closeErrors []*amqp.Error
	reconnects  int

	deliveries chan amqp.Delivery // from every consumer channel, in arrival order
}

// link is one connection's worth of state.
type link struct {
	conn     *amqp.Connection
	pub      *amqp.Channel
	con      *amqp.Channel          // the consumer's channel
	confirms chan amqp.Confirmation // the pub channel's NotifyPublish; closed with it
	closes   chan *amqp.Error
}

const (
	backoffFirst = 50 * time.Millisecond
	backoffMax   = time.Second
	recoveryTime = 10 * time.Second // give up reconnecting after this long
)

func newRobustSession(t target, connName, queue string) (*robustSession, error) {
	s := &robustSession{
		target:     t,
		connName:   connName,
		queue:      queue,
		changed:    make(chan struct{}),
		finished:   make(chan struct{}),
		deliveries: make(chan amqp.Delivery, 100),
	}
	l, err := s.connect()
	if err != nil {
		return nil, err
	}
	s.setLink(l)
	go s.supervise()
	return s, nil
}

// connect dials and sets up the topology, a confirm channel and the consumer.
func (s *robustSession) connect() (*link, error) {
	conn, err := dial(s.target, s.connName)
	if err != nil {
		return nil, err
	}
	l := &link{conn: conn, closes: conn.NotifyClose(make(chan *amqp.Error, 1))}
	fail := func(err error) (*link, error) {
		conn.Close()
		return nil, err
	}
	if l.pub, err = conn.Channel(); err != nil {
		return fail(err)
	}
	if _, err = l.pub.QueueDeclare(s.queue, false, false, false, false, nil); err != nil {
		return fail(err)
	}
	if err = l.pub.Confirm(false); err != nil {
		return fail(err)
	}
	l.confirms = l.pub.NotifyPublish(make(chan amqp.Confirmation, 16))
	if l.con, err = conn.Channel(); err != nil {
		return fail(err)
	}
	if err = l.con.Qos(10, 0, false); err != nil {
		return fail(err)
	}
	deliveries, err := l.con.Consume(s.queue, "go-robust-worker", false, false, false, false, nil)
	if err != nil {
		return fail(err)
	}
	go func() {
		for d := range deliveries { // closed when the channel or connection goes
			s.deliveries <- d
		}
	}()
	return l, nil
}

func (s *robustSession) setLink(l *link) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.link = l
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *robustSession) current() (*link, chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.link, s.changed
}

// supervise waits for the connection to go and brings it back, until close().
func (s *robustSession) supervise() {
	defer close(s.finished)
	for {
		l, _ := s.current()
		err, ok := <-l.closes
		s.mu.Lock()
		closing := s.closing
		if ok {
			s.closeErrors = append(s.closeErrors, err)
		}
		s.mu.Unlock()
		if !ok || closing {
			return // closed by us: NotifyClose is closed without an error
		}
		fmt.Printf("  info reconnect loop: connection lost: %s\n", describe(err))

		deadline := time.Now().Add(recoveryTime)
		backoff := backoffFirst
		for {
			next, err := s.connect()
			if err == nil {
				s.mu.Lock()
				s.reconnects++
				s.mu.Unlock()
				s.setLink(next)
				break
			}
			if time.Now().After(deadline) {
				fmt.Printf("  info reconnect loop: giving up: %s\n", describe(err))
				return
			}
			time.Sleep(backoff) // the reconnect backoff itself
			if backoff *= 2; backoff > backoffMax {
				backoff = backoffMax
			}
		}
	}
}

// publish sends body and waits for its confirm (on NotifyPublish, see awaitConfirms),
// retrying on the next connection when the current one goes before the confirm came.
// One publish at a time.
func (s *robustSession) publish(body string) error {
	ctx, cancel := context.WithTimeout(context.Background(), recoveryTime)
	defer cancel()
	for {
		l, changed := s.current()
		dc, err := l.pub.PublishWithDeferredConfirmWithContext(ctx, "", s.queue, false, false,
			amqp.Publishing{DeliveryMode: amqp.Persistent, Body: []byte(body)})
		if err == nil && awaitConfirms(l.confirms, []uint64{dc.DeliveryTag}, recoveryTime)[dc.DeliveryTag] {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("%q not confirmed within %v (last error: %s)", body, recoveryTime, describe(err))
		}
	}
}

// close ends the session: a clean Connection.Close, and the supervisor returns.
func (s *robustSession) close() error {
	s.mu.Lock()
	s.closing = true
	l := s.link
	s.mu.Unlock()
	err := l.conn.Close()
	select {
	case <-s.finished:
	case <-time.After(waitTimeout):
		return fmt.Errorf("the supervisor did not return within %v", waitTimeout)
	}
	return err
}

// settle makes a round trip on the consumer's channel: the broker has handled every
// ack sent before it (a connection's frames are handled in order).
func (s *robustSession) settle() error {
	l, _ := s.current()
	return l.con.Qos(10, 0, false)
}

func (s *robustSession) stats() (int, []*amqp.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reconnects, append([]*amqp.Error(nil), s.closeErrors...)
}

// consumed is what the consumer saw, in order, with redelivery flags.
type consumed struct {
	bodies      []string
	redelivered map[string]int
}

// waitFor acks deliveries as they come until one with body (and, when redelivered is
// set, the redelivered flag) arrives.
func (s *robustSession) waitFor(seen *consumed, body string, redelivered bool) bool {
	timeout := time.After(recoveryTime)
	for {
		select {
		case d := <-s.deliveries:
			b := string(d.Body)
			seen.bodies = append(seen.bodies, b)
			if d.Redelivered {
				seen.redelivered[b]++
			}
			d.Ack(false) // may fail when its channel is gone; the broker then redelivers it
			if b == body && (!redelivered || d.Redelivered) {
				return true
			}
		case <-timeout:
			return false
		}
	}
}

// postFault adds one rule through the fake broker's management API.
func postFault(t target, rule map[string]interface{}) error {
	body, err := json.Marshal(rule)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, t.httpURL+"api/faults", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.SetBasicAuth("guest", "guest")
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: waitTimeout}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("POST /api/faults: %s %s", resp.Status, reply)
	}
	return nil
}

// firedFaults returns the length of the broker's log of fired faults.
func firedFaults(t target) (int, error) {
	req, err := http.NewRequest(http.MethodGet, t.httpURL+"api/faults", nil)
	if err != nil {
		return 0, err
	}
	req.SetBasicAuth("guest", "guest")
	resp, err := (&http.Client{Timeout: waitTimeout}).Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var log struct {
		Fired []json.RawMessage `json:"fired"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&log); err != nil {
		return 0, err
	}
	return len(log.Fired), nil
}

// 7. The reconnect loop recovers from a broker connection.close at a publish and from
// a connection reset at an ack: the consumer is back, later messages arrive, the
// unacked message is redelivered.
func checkReconnectLoop(c *checkRun, t target) {
	connName := "go-robust-" + t.suffix
	queue := t.name("robust")
	defer cleanup(t, []string{queue}, nil)

	s, err := newRobustSession(t, connName, queue)
	c.must(err, "connect the session")
	seen := &consumed{redelivered: map[string]int{}}
	publishAndSee := func(body string) {
		c.must(s.publish(body), "publish "+body)
		if !s.waitFor(seen, body, false) {
			c.fatal("consume "+body, body+" delivered", fmt.Sprintf("only %v", seen.bodies))
		}
	}

	publishAndSee("m1")
	publishAndSee("m2")

	forced := "CONNECTION_FORCED - Closed via management plugin"
	c.must(postFault(t, map[string]interface{}{
		"name": "go: close the connection at a publish", "on": "method_received", "connection": connName,
		"method": "basic.publish", "nth": 1,
		"then": map[string]interface{}{"action": "close_connection", "code": 320, "text": forced},
	}), "post the close_connection fault")
	publishAndSee("m3") // trips the fault; retried on the next connection
	publishAndSee("m4")
	publishAndSee("m5")
	reconnects, closeErrors := s.stats()
	c.equal("reconnects after the close_connection fault", 1, reconnects)
	if c.equal("errors seen by NotifyClose", 1, len(closeErrors)) {
		e := closeErrors[0]
		c.expect(e.Code == amqp.ConnectionForced && e.Reason == forced && e.Server, "the first NotifyClose error",
			fmt.Sprintf("amqp.Error{Code: 320, Reason: %q, Server: true}", forced), describe(e))
	}

	// The rule must match m6's ack, not one of the acks still on their way.
	c.must(s.settle(), "a round trip after the acks")
	c.must(postFault(t, map[string]interface{}{
		"name": "go: reset at an ack", "on": "method_received", "connection": connName,
		"method": "basic.ack", "nth": 1, "then": "reset",
	}), "post the reset fault")
	publishAndSee("m6") // its ack trips the reset and never reaches the queue
	if !s.waitFor(seen, "m6", true) {
		c.fatal("m6 redelivered after the reset", "m6 again, redelivered", fmt.Sprintf("%v", seen.bodies))
	}
	publishAndSee("m7")
	publishAndSee("m8")
	reconnects, closeErrors = s.stats()
	c.equal("reconnects after the reset fault", 2, reconnects)
	if c.equal("errors seen by NotifyClose", 2, len(closeErrors)) {
		e := closeErrors[1]
		c.expect(e.Code == amqp.FrameError && !e.Server, "the second NotifyClose error (the client's own for a broken socket)",
			"amqp.Error{Code: 501, Server: false}", describe(e))
	}

	unique := map[string]bool{}
	for _, b := range seen.bodies {
		unique[b] = true
	}
	var missing []string
	for i := 1; i <= 8; i++ {
		if b := fmt.Sprintf("m%d", i); !unique[b] {
			missing = append(missing, b)
		}
	}
	c.expect(len(missing) == 0, "every message consumed at least once", "m1..m8", fmt.Sprintf("%v (missing %v)", seen.bodies, missing))
	c.expect(seen.redelivered["m6"] >= 1, "m6 came back marked redelivered", "redelivered at least once",
		fmt.Sprintf("%d times", seen.redelivered["m6"]))
	fmt.Printf("  info %s: consumed %s\n", c.name, strings.Join(seen.bodies, " "))

	fired, err := firedFaults(t)
	c.must(err, "GET /api/faults")
	c.equal("faults fired (GET /api/faults)", 2, fired)
	c.must(s.close(), "close the session")
	reconnects, _ = s.stats()
	c.equal("reconnects after our own close", 2, reconnects)
}
