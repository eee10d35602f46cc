package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// waitTimeout bounds every wait for something the broker sends on its own.
const waitTimeout = 5 * time.Second

var checks = []check{
	{name: "confirms_and_manual_acks", run: checkConfirmsAndAcks},
	{name: "channel_error_and_carry_on", run: checkChannelError},
	{name: "channel_close_crossing_broker_close", run: checkCrossingChannelClose},
	{name: "close_with_publishes_in_flight", run: checkCloseAfterBurst},
	{name: "close_while_a_goroutine_publishes", run: checkCloseWhilePublishing},
	{name: "server_named_and_exclusive_queues", run: checkExclusiveQueues},
	{name: "topic_routing", run: checkTopicRouting},
	{name: "headers_routing", run: checkHeadersRouting},
	{name: "cleanup_after_delete", run: checkCleanupAfterDelete},
	{name: "loopback_host_names", run: checkLoopbackNames},
	{name: "notify_close_reconnect_loop", needsFaults: true, run: checkReconnectLoop},
}

// dial connects with a connection_name, as services do so that operators (and fault
// rules) can tell connections apart.
func dial(t target, name string) (*amqp.Connection, error) {
	return amqp.DialConfig(t.amqpURL, amqp.Config{
		Properties: amqp.Table{"connection_name": name},
		Dial:       amqp.DefaultDial(waitTimeout),
	})
}

// asAMQPError returns the client's own error type behind err, or nil.
func asAMQPError(err error) *amqp.Error {
	var e *amqp.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

func describe(err error) string {
	if err == nil {
		return "no error"
	}
	if e := asAMQPError(err); e != nil {
		return fmt.Sprintf("amqp.Error{Code: %d, Reason: %q, Server: %v}", e.Code, e.Reason, e.Server)
	}
	return fmt.Sprintf("%T %v", err, err)
}

// expectAMQPError records that err is an *amqp.Error from the server with this code and text.
func expectAMQPError(c *checkRun, what string, err error, code int, reason string) bool {
	e := asAMQPError(err)
	expected := fmt.Sprintf("amqp.Error{Code: %d, Reason: %q, Server: true}", code, reason)
	return c.expect(e != nil && e.Code == code && e.Reason == reason && e.Server, what, expected, describe(err))
}

// receiveClose waits for a NotifyClose channel: the error, or nil when it was closed
// without one (a clean close); timedOut when nothing came.
func receiveClose(closes <-chan *amqp.Error, timeout time.Duration) (err *amqp.Error, closedClean bool, timedOut bool) {
	select {
	case e, ok := <-closes:
		return e, !ok, false
	case <-time.After(timeout):
		return nil, false, true
	}
}

// cleanup deletes what a check created, from a fresh connection (the check's own may
// be gone). Errors are ignored: the names are unique to this run.
func cleanup(t target, queues []string, exchanges []string) {
	conn, err := dial(t, "go-cleanup")
	if err != nil {
		return
	}
	defer conn.Close()
	for _, q := range queues {
		if ch, err := conn.Channel(); err == nil {
			ch.QueueDelete(q, false, false, false)
			ch.Close()
		}
	}
	for _, x := range exchanges {
		if ch, err := conn.Channel(); err == nil {
			ch.ExchangeDelete(x, false, false)
			ch.Close()
		}
	}
}

// inspect returns the queue's ready count and consumer count, or an error, on a new channel.
func inspect(conn *amqp.Connection, queue string) (amqp.Queue, error) {
	ch, err := conn.Channel()
	if err != nil {
		return amqp.Queue{}, err
	}
	q, err := ch.QueueDeclarePassive(queue, false, false, false, false, nil)
	if err == nil {
		ch.Close()
	}
	return q, err
}

// waitForDepth polls the queue's ready count until it is want or the timeout passes;
// RabbitMQ's queue process may count a message a moment after its publisher's
// connection said close-ok. Returns the last count seen.
func waitForDepth(conn *amqp.Connection, queue string, want int, timeout time.Duration) (int, error) {
	deadline := time.Now().Add(timeout)
	for {
		q, err := inspect(conn, queue)
		if err != nil || q.Messages == want || time.Now().After(deadline) {
			return q.Messages, err
		}
		time.Sleep(10 * time.Millisecond) // a bounded poll of a condition
	}
}

func bodies(n int, prefix string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d", prefix, i+1)
	}
	return out
}

// awaitConfirms reads a NotifyPublish channel until every tag has its confirmation
// (they come in tag order) or the timeout passes; it returns the outcome per tag.
//
// The checks wait on NotifyPublish rather than on DeferredConfirmation.Wait(): in
// amqp091-go 1.5.0 the deferred confirmation is registered only after the publish is
// written, so an ack that the reader goroutine handles first is dropped and Wait()
// never returns (rabbitmq/amqp091-go issue 182). A fast broker on loopback hits it.
func awaitConfirms(confirms <-chan amqp.Confirmation, tags []uint64, timeout time.Duration) map[uint64]bool {
	outcome := map[uint64]bool{}
	want := map[uint64]bool{}
	for _, tag := range tags {
		want[tag] = true
	}
	deadline := time.After(timeout)
	for len(want) > 0 {
		select {
		case cf, ok := <-confirms:
			if !ok {
				return outcome
			}
			if want[cf.DeliveryTag] {
				delete(want, cf.DeliveryTag)
				outcome[cf.DeliveryTag] = cf.Ack
			}
		case <-deadline:
			return outcome
		}
	}
	return outcome
}

// 1. Publisher confirms on one channel, a manual-ack consumer with a prefetch on another.
func checkConfirmsAndAcks(c *checkRun, t target) {
	const n = 25
	queue := t.name("orders")
	defer cleanup(t, []string{queue}, nil)

	conn, err := dial(t, "go-confirms")
	c.must(err, "dial")
	defer conn.Close()
	pub, err := conn.Channel()
	c.must(err, "open the publishing channel")
	_, err = pub.QueueDeclare(queue, false, false, false, false, nil)
	c.must(err, "declare "+queue)
	c.must(pub.Confirm(false), "confirm.select")
	confirms := pub.NotifyPublish(make(chan amqp.Confirmation, n))

	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	want := bodies(n, "order")
	deferred := make([]*amqp.DeferredConfirmation, 0, n)
	for i, body := range want {
		dc, err := pub.PublishWithDeferredConfirmWithContext(ctx, "", queue, false, false, amqp.Publishing{
			ContentType:  "text/plain",
			DeliveryMode: amqp.Persistent,
			MessageId:    fmt.Sprintf("m%d", i+1),
			Body:         []byte(body),
		})
		c.must(err, "publish "+body)
		deferred = append(deferred, dc)
	}

	var tags []uint64
	acked := 0
	timeout := time.After(waitTimeout)
	for len(tags) < n {
		select {
		case cf := <-confirms:
			tags = append(tags, cf.DeliveryTag)
			if cf.Ack {
				acked++
			}
		case <-timeout:
			c.fatal("every publish confirmed", fmt.Sprintf("%d confirmations", n), fmt.Sprintf("%d after %v", len(tags), waitTimeout))
		}
	}
	wantTags := make([]uint64, n)
	var deferredTags []uint64
	for i := range wantTags {
		wantTags[i] = uint64(i + 1)
		deferredTags = append(deferredTags, deferred[i].DeliveryTag)
	}
	c.equal("NotifyPublish delivery tags", wantTags, tags)
	c.equal("confirmations that are acks", n, acked)
	c.equal("DeferredConfirmation.DeliveryTag of each publish", wantTags, deferredTags)

	con, err := conn.Channel()
	c.must(err, "open the consuming channel")
	c.must(con.Qos(5, 0, false), "basic.qos 5")
	deliveries, err := con.Consume(queue, "go-order-worker", false, false, false, false, nil)
	c.must(err, "basic.consume")
	var got []string
	var ackErrs, redelivered, wrongProps int
	timeout = time.After(waitTimeout)
	for len(got) < n {
		select {
		case d, ok := <-deliveries:
			if !ok {
				c.fatal("deliveries keep coming", "an open deliveries channel", fmt.Sprintf("closed after %d", len(got)))
			}
			got = append(got, string(d.Body))
			if d.Redelivered {
				redelivered++
			}
			if d.ContentType != "text/plain" || d.DeliveryMode != amqp.Persistent || d.ConsumerTag != "go-order-worker" {
				wrongProps++
			}
			if err := d.Ack(false); err != nil {
				ackErrs++
			}
		case <-timeout:
			c.fatal("every message consumed", fmt.Sprintf("%d deliveries", n), fmt.Sprintf("%d after %v", len(got), waitTimeout))
		}
	}
	c.equal("bodies consumed, in publish order", want, got)
	c.equal("Ack errors", 0, ackErrs)
	c.equal("deliveries marked redelivered", 0, redelivered)
	c.equal("deliveries with other properties than published", 0, wrongProps)
	c.must(con.Cancel("go-order-worker", false), "basic.cancel")
	// Acks are asynchronous: closing the channel after them would requeue any the broker lost.
	c.must(con.Close(), "close the consuming channel")

	q, err := inspect(conn, queue)
	c.must(err, "passive declare after consuming")
	c.equal("messages left in the queue", 0, q.Messages)
	c.equal("consumers left on the queue", 0, q.Consumers)
}

// 2. A passive declare of a missing queue and a publish to a missing exchange close
// their channels with 404; the connection goes on with new channels.
func checkChannelError(c *checkRun, t target) {
	missingQueue := t.name("missing-queue")
	missingExchange := t.name("missing-exchange")
	queue := t.name("after-error")
	defer cleanup(t, []string{queue}, nil)

	conn, err := dial(t, "go-channel-error")
	c.must(err, "dial")
	defer conn.Close()
	connCloses := conn.NotifyClose(make(chan *amqp.Error, 1))

	ch1, err := conn.Channel()
	c.must(err, "open channel 1")
	closes1 := ch1.NotifyClose(make(chan *amqp.Error, 1))
	_, err = ch1.QueueDeclarePassive(missingQueue, false, false, false, false, nil)
	notFoundQueue := fmt.Sprintf("NOT_FOUND - no queue '%s' in vhost '/'", missingQueue)
	expectAMQPError(c, "passive declare of a missing queue", err, amqp.NotFound, notFoundQueue)
	e, clean, timedOut := receiveClose(closes1, waitTimeout)
	c.expect(!timedOut && !clean && e != nil && e.Code == amqp.NotFound, "channel NotifyClose after the 404",
		"the 404 error", describe(errOrNil(e)))
	c.expect(ch1.IsClosed(), "channel 1 IsClosed()", "true", ch1.IsClosed())
	_, err = ch1.QueueDeclare(queue, false, false, false, false, nil)
	c.expect(err == amqp.ErrClosed, "a declare on the closed channel", "amqp.ErrClosed", describe(err))

	ch2, err := conn.Channel()
	c.must(err, "open channel 2")
	closes2 := ch2.NotifyClose(make(chan *amqp.Error, 1))
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	err = ch2.PublishWithContext(ctx, missingExchange, "anything", false, false, amqp.Publishing{Body: []byte("lost")})
	c.expect(err == nil, "publish to a missing exchange returns (it is asynchronous)", "no error", describe(err))
	e, clean, timedOut = receiveClose(closes2, waitTimeout)
	notFoundExchange := fmt.Sprintf("NOT_FOUND - no exchange '%s' in vhost '/'", missingExchange)
	c.expect(!timedOut && !clean && e != nil && e.Code == amqp.NotFound && e.Reason == notFoundExchange && e.Server,
		"channel NotifyClose after publishing to a missing exchange",
		fmt.Sprintf("amqp.Error{Code: 404, Reason: %q, Server: true}", notFoundExchange), describe(errOrNil(e)))

	ch3, err := conn.Channel()
	c.must(err, "open channel 3 on the same connection")
	_, err = ch3.QueueDeclare(queue, false, false, false, false, nil)
	c.must(err, "declare "+queue)
	c.must(ch3.PublishWithContext(ctx, "", queue, false, false, amqp.Publishing{Body: []byte("still working")}), "publish")
	var d amqp.Delivery
	var ok bool
	deadline := time.Now().Add(waitTimeout)
	for !ok && time.Now().Before(deadline) {
		d, ok, err = ch3.Get(queue, false)
		c.must(err, "basic.get")
		if !ok {
			time.Sleep(5 * time.Millisecond) // a bounded poll of a condition
		}
	}
	c.equal("basic.get on the new channel", "still working", string(d.Body))
	if ok {
		c.must(d.Ack(false), "ack")
	}
	c.must(ch3.Close(), "close channel 3")
	c.expect(!conn.IsClosed(), "the connection is still open", "open", fmt.Sprintf("IsClosed()=%v", conn.IsClosed()))
	select {
	case e := <-connCloses:
		c.fatal("no connection close", "nothing on the connection's NotifyClose", describe(errOrNil(e)))
	default:
	}
}

// closeOutcome describes what a NotifyClose channel gave.
func closeOutcome(e *amqp.Error, clean, timedOut bool) string {
	switch {
	case timedOut:
		return "nothing within the timeout"
	case clean:
		return "closed without an error"
	}
	return describe(errOrNil(e))
}

func errOrNil(e *amqp.Error) error {
	if e == nil {
		return nil
	}
	return e
}

// 2b. The pattern `defer ch.Close()` after a publish to a missing exchange: the
// client's channel.close crosses the broker's. RabbitMQ answers the client's close
// with close-ok and the connection stays open.
//
// The channels are opened up front: amqp091-go 1.5.0 hands out a freed channel id
// again at once, and the close-ok answering a crossing close may then reach the new
// channel (its open fails with 503 "unexpected command received") or the open may
// reach the broker while the id is still closing there (it is never answered). Both
// happen with RabbitMQ as with any broker; they are the client's, not this check's.
func checkCrossingChannelClose(c *checkRun, t target) {
	const rounds = 5
	missingExchange := t.name("missing-exchange")
	conn, err := dial(t, "go-crossing-close")
	c.must(err, "dial")
	defer conn.Close()
	connCloses := conn.NotifyClose(make(chan *amqp.Error, 1))
	control, err := conn.Channel()
	c.must(err, "open the control channel")
	var victims []*amqp.Channel
	for i := 0; i < rounds; i++ {
		ch, err := conn.Channel()
		c.must(err, "open a channel")
		victims = append(victims, ch)
	}

	closeResults := map[string]int{}
	for _, ch := range victims {
		c.must(ch.Publish(missingExchange, "k", false, false, amqp.Publishing{Body: []byte("x")}), "publish to a missing exchange")
		closeResults[describe(ch.Close())]++
	}
	fmt.Printf("  info %s: Channel.Close() results: %v\n", c.name, closeResults)

	connectionState := func() string {
		select {
		case e, ok := <-connCloses:
			if ok {
				return "the connection's NotifyClose gave " + describe(e)
			}
			return "the connection's NotifyClose was closed"
		default:
			return fmt.Sprintf("the connection's NotifyClose gave nothing; IsClosed()=%v", conn.IsClosed())
		}
	}
	_, err = control.QueueDeclare("", false, true, true, false, nil)
	c.expect(err == nil, fmt.Sprintf("a declare on the control channel after %d crossing closes", rounds), "no error",
		describe(err)+"; "+connectionState())
	ch, err := conn.Channel()
	if c.expect(err == nil, "a new channel after the crossing closes", "no error", describe(err)) {
		_, err = ch.QueueDeclare("", false, true, true, false, nil)
		c.expect(err == nil, "a declare on it", "no error", describe(err))
	}
	state := connectionState()
	c.expect(strings.HasPrefix(state, "the connection's NotifyClose gave nothing"), "the connection stays open",
		"nothing on the connection's NotifyClose", state)
}

// 3. A burst of publishes, then Close at once: Close returns nil, NotifyClose reports a
// clean close, and every message written before connection.close is in the queue.
func checkCloseAfterBurst(c *checkRun, t target) {
	const rounds, n = 3, 2000
	queue := t.name("burst")
	defer cleanup(t, []string{queue}, nil)

	observer, err := dial(t, "go-burst-observer")
	c.must(err, "dial the observer")
	defer observer.Close()
	och, err := observer.Channel()
	c.must(err, "observer channel")
	_, err = och.QueueDeclare(queue, false, false, false, false, nil)
	c.must(err, "declare "+queue)

	body := []byte(strings.Repeat("b", 512))
	for round := 1; round <= rounds; round++ {
		conn, err := dial(t, "go-burst")
		c.must(err, "dial")
		closes := conn.NotifyClose(make(chan *amqp.Error, 1))
		ch, err := conn.Channel()
		c.must(err, "channel")
		publishErrs := 0
		for i := 0; i < n; i++ {
			if err := ch.Publish("", queue, false, false, amqp.Publishing{Body: body}); err != nil {
				publishErrs++
			}
		}
		c.equal(fmt.Sprintf("round %d: publish errors", round), 0, publishErrs)
		err = conn.Close()
		c.expect(err == nil, fmt.Sprintf("round %d: Connection.Close() right after %d publishes", round, n), "nil", describe(err))
		e, clean, timedOut := receiveClose(closes, waitTimeout)
		c.expect(clean, fmt.Sprintf("round %d: connection NotifyClose", round), "closed without an error (a clean close)",
			closeOutcome(e, clean, timedOut))

		depth, err := waitForDepth(observer, queue, round*n, waitTimeout)
		c.must(err, "passive declare from the observer connection")
		c.equal(fmt.Sprintf("round %d: messages in the queue", round), round*n, depth)
	}
}

// 3b. A producer goroutine publishing while the main goroutine closes the connection
// (the shutdown path of a service). Publishes after Close fail with ErrClosed; Close and
// NotifyClose report a clean close; the queue holds at most what was written.
func checkCloseWhilePublishing(c *checkRun, t target) {
	const rounds = 3
	queue := t.name("shutdown")
	defer cleanup(t, []string{queue}, nil)

	observer, err := dial(t, "go-shutdown-observer")
	c.must(err, "dial the observer")
	defer observer.Close()
	och, err := observer.Channel()
	c.must(err, "observer channel")
	_, err = och.QueueDeclare(queue, false, false, false, false, nil)
	c.must(err, "declare "+queue)

	total := 0
	for round := 1; round <= rounds; round++ {
		conn, err := dial(t, "go-shutdown")
		c.must(err, "dial")
		closes := conn.NotifyClose(make(chan *amqp.Error, 1))
		ch, err := conn.Channel()
		c.must(err, "channel")

		var wg sync.WaitGroup
		started := make(chan struct{})
		var written int
		var lastErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				if i == 200 {
					close(started)
				}
				if err := ch.Publish("", queue, false, false, amqp.Publishing{Body: []byte("work")}); err != nil {
					lastErr = err
					if i < 200 {
						close(started)
					}
					return
				}
				written++
			}
		}()
		<-started
		err = conn.Close()
		c.expect(err == nil, fmt.Sprintf("round %d: Connection.Close() while publishing", round), "nil", describe(err))
		wg.Wait()
		c.expect(lastErr == amqp.ErrClosed, fmt.Sprintf("round %d: the publish that stopped the producer", round),
			"amqp.ErrClosed", describe(lastErr))
		e, clean, timedOut := receiveClose(closes, waitTimeout)
		c.expect(clean, fmt.Sprintf("round %d: connection NotifyClose", round), "closed without an error (a clean close)",
			closeOutcome(e, clean, timedOut))
		total += written
	}
	q, err := inspect(observer, queue)
	c.must(err, "passive declare from the observer connection")
	c.expect(q.Messages > 0 && q.Messages <= total, "messages in the queue",
		fmt.Sprintf("between 1 and the %d publishes that returned nil", total), q.Messages)
}

// 4. Server-named and exclusive queues, seen from their own and another connection.
func checkExclusiveQueues(c *checkRun, t target) {
	named := t.name("exclusive")
	owner, err := dial(t, "go-exclusive-owner")
	c.must(err, "dial the owner")
	defer owner.Close()
	ach, err := owner.Channel()
	c.must(err, "owner channel")
	generated, err := ach.QueueDeclare("", false, false, true, false, nil)
	c.must(err, "declare a server-named exclusive queue")
	c.expect(strings.HasPrefix(generated.Name, "amq.gen-") && len(generated.Name) > len("amq.gen-"),
		"server-named queue", "a name starting with amq.gen-", generated.Name)
	_, err = ach.QueueDeclare(named, false, false, true, false, nil)
	c.must(err, "declare "+named+" exclusive")

	other, err := dial(t, "go-exclusive-other")
	c.must(err, "dial another connection")
	defer other.Close()
	locked := fmt.Sprintf("RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '%s' in vhost '/'. "+
		"It could be originally declared on another connection or the exclusive property value does not match "+
		"that of the original declaration.", named)

	bch, err := other.Channel()
	c.must(err, "channel on the other connection")
	_, err = bch.QueueDeclare(named, false, false, true, false, nil)
	expectAMQPError(c, "declare of the exclusive queue from another connection", err, amqp.ResourceLocked, locked)

	bch, err = other.Channel()
	c.must(err, "channel on the other connection")
	_, err = bch.Consume(named, "", false, false, false, false, nil)
	expectAMQPError(c, "consume from the exclusive queue on another connection", err, amqp.ResourceLocked, locked)

	// Others may publish to it (a reply queue): the owner gets the message.
	bch, err = other.Channel()
	c.must(err, "channel on the other connection")
	c.must(bch.Confirm(false), "confirm.select")
	confirms := bch.NotifyPublish(make(chan amqp.Confirmation, 1))
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	dc, err := bch.PublishWithDeferredConfirmWithContext(ctx, "", generated.Name, false, false,
		amqp.Publishing{CorrelationId: "42", Body: []byte("reply")})
	c.must(err, "publish to the server-named queue from the other connection")
	outcome := awaitConfirms(confirms, []uint64{dc.DeliveryTag}, waitTimeout)
	c.expect(outcome[dc.DeliveryTag], "the publish to the server-named queue is confirmed", "an ack", fmt.Sprintf("%v", outcome))
	d, ok, err := ach.Get(generated.Name, true)
	c.must(err, "basic.get on the owner")
	c.expect(ok && string(d.Body) == "reply" && d.CorrelationId == "42", "the owner gets the reply",
		"body reply, correlation id 42", fmt.Sprintf("ok=%v body=%q correlation id %q", ok, d.Body, d.CorrelationId))

	c.must(owner.Close(), "close the owner")
	for _, q := range []string{named, generated.Name} {
		// The broker deletes them as the owner goes; wait (bounded) until it has.
		deadline := time.Now().Add(waitTimeout)
		var err error
		for {
			_, err = inspect(other, q)
			if e := asAMQPError(err); (e != nil && e.Code != amqp.ResourceLocked) || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond) // a bounded poll of a condition
		}
		expectAMQPError(c, "passive declare of "+q+" after its connection closed", err, amqp.NotFound,
			fmt.Sprintf("NOT_FOUND - no queue '%s' in vhost '/'", q))
	}
}

// publishConfirmed publishes every message and waits for all confirms, so that what
// follows sees them routed. Call it once per channel (its NotifyPublish listener stays).
func publishConfirmed(c *checkRun, ch *amqp.Channel, exchange string, msgs []routed) {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	confirms := ch.NotifyPublish(make(chan amqp.Confirmation, len(msgs)))
	var pending []*amqp.DeferredConfirmation
	var tags []uint64
	for _, m := range msgs {
		dc, err := ch.PublishWithDeferredConfirmWithContext(ctx, exchange, m.key, m.mandatory, false,
			amqp.Publishing{Headers: m.headers, Body: []byte(m.body)})
		c.must(err, "publish "+m.body)
		pending = append(pending, dc)
		tags = append(tags, dc.DeliveryTag)
	}
	outcome := awaitConfirms(confirms, tags, waitTimeout)
	acked := 0
	var unconfirmed []string
	for i, dc := range pending {
		if outcome[dc.DeliveryTag] {
			acked++
		} else {
			unconfirmed = append(unconfirmed, fmt.Sprintf("%q (tag %d)", msgs[i].body, dc.DeliveryTag))
		}
	}
	c.expect(acked == len(msgs), "publishes confirmed", fmt.Sprintf("%d acks", len(msgs)),
		fmt.Sprintf("%d acks; not acked within %v: %v", acked, waitTimeout, unconfirmed))
}

type routed struct {
	body      string
	key       string
	headers   amqp.Table
	mandatory bool
}

// drain gets every ready message of a queue, in order.
func drain(c *checkRun, ch *amqp.Channel, queue string) []string {
	var got []string
	for {
		d, ok, err := ch.Get(queue, true)
		c.must(err, "basic.get from "+queue)
		if !ok {
			return got
		}
		got = append(got, string(d.Body))
	}
}

// 5a. Topic bindings with * and #.
func checkTopicRouting(c *checkRun, t target) {
	exchange := t.name("animals")
	bindings := []struct{ queue, pattern string }{
		{t.name("orange"), "*.orange.*"},
		{t.name("rabbits"), "*.*.rabbit"},
		{t.name("lazy"), "lazy.#"},
		{t.name("everything"), "#"},
		{t.name("exact"), "quick.brown.fox"},
	}
	var queues []string
	for _, b := range bindings {
		queues = append(queues, b.queue)
	}
	defer cleanup(t, queues, []string{exchange})

	conn, err := dial(t, "go-topic")
	c.must(err, "dial")
	defer conn.Close()
	ch, err := conn.Channel()
	c.must(err, "channel")
	c.must(ch.ExchangeDeclare(exchange, amqp.ExchangeTopic, false, false, false, false, nil), "declare the topic exchange")
	for _, b := range bindings {
		_, err := ch.QueueDeclare(b.queue, false, false, false, false, nil)
		c.must(err, "declare "+b.queue)
		c.must(ch.QueueBind(b.queue, b.pattern, exchange, false, nil), "bind "+b.pattern)
	}
	c.must(ch.Confirm(false), "confirm.select")
	keys := []string{"quick.orange.rabbit", "lazy.orange.elephant", "quick.orange.fox", "lazy.brown.fox",
		"lazy.pink.rabbit", "quick.brown.fox", "orange", "quick.orange.male.rabbit", "lazy", "lazy.orange.male.rabbit", ""}
	var msgs []routed
	for _, k := range keys {
		msgs = append(msgs, routed{body: "[" + k + "]", key: k})
	}
	publishConfirmed(c, ch, exchange, msgs)

	expected := map[string][]string{
		"*.orange.*":      {"[quick.orange.rabbit]", "[lazy.orange.elephant]", "[quick.orange.fox]"},
		"*.*.rabbit":      {"[quick.orange.rabbit]", "[lazy.pink.rabbit]"},
		"lazy.#":          {"[lazy.orange.elephant]", "[lazy.brown.fox]", "[lazy.pink.rabbit]", "[lazy]", "[lazy.orange.male.rabbit]"},
		"#":               nil,
		"quick.brown.fox": {"[quick.brown.fox]"},
	}
	for _, m := range msgs {
		expected["#"] = append(expected["#"], m.body)
	}
	for _, b := range bindings {
		c.equal(fmt.Sprintf("queue bound with %q got", b.pattern), expected[b.pattern], drain(c, ch, b.queue))
	}
}

// 5b. Headers bindings with x-match all and any; unroutable mandatory publishes come back.
func checkHeadersRouting(c *checkRun, t target) {
	exchange := t.name("documents")
	all := t.name("pdf-reports")
	anyQ := t.name("pdf-or-report")
	defer cleanup(t, []string{all, anyQ}, []string{exchange})

	conn, err := dial(t, "go-headers")
	c.must(err, "dial")
	defer conn.Close()
	ch, err := conn.Channel()
	c.must(err, "channel")
	c.must(ch.ExchangeDeclare(exchange, amqp.ExchangeHeaders, false, false, false, false, nil), "declare the headers exchange")
	for q, match := range map[string]string{all: "all", anyQ: "any"} {
		_, err := ch.QueueDeclare(q, false, false, false, false, nil)
		c.must(err, "declare "+q)
		c.must(ch.QueueBind(q, "", exchange, false, amqp.Table{"x-match": match, "format": "pdf", "type": "report"}),
			"bind "+q+" with x-match "+match)
	}
	returns := ch.NotifyReturn(make(chan amqp.Return, 10))
	c.must(ch.Confirm(false), "confirm.select")
	msgs := []routed{
		{body: "pdf report", headers: amqp.Table{"format": "pdf", "type": "report"}},
		{body: "pdf log", headers: amqp.Table{"format": "pdf", "type": "log"}},
		{body: "zip report", headers: amqp.Table{"format": "zip", "type": "report"}},
		{body: "zip", headers: amqp.Table{"format": "zip"}, mandatory: true},
		{body: "no headers", mandatory: true},
		{body: "pdf report with more", headers: amqp.Table{"format": "pdf", "type": "report", "pages": int32(3)}},
		{body: "key only", key: "pdf", mandatory: true},
	}
	publishConfirmed(c, ch, exchange, msgs)
	c.equal("x-match all got", []string{"pdf report", "pdf report with more"}, drain(c, ch, all))
	c.equal("x-match any got", []string{"pdf report", "pdf log", "zip report", "pdf report with more"}, drain(c, ch, anyQ))

	// basic.return precedes the confirm of its publish, so they are all here by now.
	var returned []string
	for len(returns) > 0 {
		r := <-returns
		returned = append(returned, fmt.Sprintf("%s: %d %s", r.Body, r.ReplyCode, r.ReplyText))
	}
	c.equal("mandatory publishes returned", []string{"zip: 312 NO_ROUTE", "no headers: 312 NO_ROUTE", "key only: 312 NO_ROUTE"}, returned)
}

// 6. Cleanup code runs its unbinds and deletes in any order, after others already
// deleted the queue or exchange. RabbitMQ 3.10 answers unbind-ok and delete-ok.
func checkCleanupAfterDelete(c *checkRun, t target) {
	exchange := t.name("cleanup-source")
	destination := t.name("cleanup-destination")
	queue := t.name("cleanup-queue")
	defer cleanup(t, []string{queue}, []string{exchange, destination})

	conn, err := dial(t, "go-cleanup-check")
	c.must(err, "dial")
	defer conn.Close()
	ch, err := conn.Channel()
	c.must(err, "channel")
	c.must(ch.ExchangeDeclare(exchange, amqp.ExchangeDirect, false, false, false, false, nil), "declare "+exchange)
	c.must(ch.ExchangeDeclare(destination, amqp.ExchangeFanout, false, false, false, false, nil), "declare "+destination)
	_, err = ch.QueueDeclare(queue, false, false, false, false, nil)
	c.must(err, "declare "+queue)
	c.must(ch.QueueBind(queue, "jobs", exchange, false, nil), "bind the queue")
	c.must(ch.ExchangeBind(destination, "jobs", exchange, false, nil), "bind the exchanges")

	// Each step on the same channel as an application does; a failure closes the
	// channel, so the next step gets a new one and the report names every step.
	step := func(what string, op func(*amqp.Channel) error) {
		err := op(ch)
		if !c.expect(err == nil, what, "success (no error)", describe(err)) {
			if ch, err = conn.Channel(); err != nil {
				c.fatal("a new channel", "no error", describe(err))
			}
		}
	}
	step("delete the queue", func(ch *amqp.Channel) error { _, err := ch.QueueDelete(queue, false, false, false); return err })
	step("unbind the deleted queue", func(ch *amqp.Channel) error { return ch.QueueUnbind(queue, "jobs", exchange, nil) })
	step("delete the queue again", func(ch *amqp.Channel) error { _, err := ch.QueueDelete(queue, false, false, false); return err })
	step("delete the destination exchange", func(ch *amqp.Channel) error { return ch.ExchangeDelete(destination, false, false) })
	step("unbind the deleted destination exchange", func(ch *amqp.Channel) error {
		return ch.ExchangeUnbind(destination, "jobs", exchange, false, nil)
	})
	step("delete the source exchange", func(ch *amqp.Channel) error { return ch.ExchangeDelete(exchange, false, false) })
	step("unbind a missing queue from the deleted exchange", func(ch *amqp.Channel) error {
		return ch.QueueUnbind(queue, "jobs", exchange, nil)
	})
	step("unbind exchanges that are both gone", func(ch *amqp.Channel) error {
		return ch.ExchangeUnbind(destination, "jobs", exchange, false, nil)
	})
	step("delete the source exchange again", func(ch *amqp.Channel) error { return ch.ExchangeDelete(exchange, false, false) })
	c.expect(!conn.IsClosed(), "the connection is still open", "open", fmt.Sprintf("IsClosed()=%v", conn.IsClosed()))
}

// 8. Services written for a broker on this host say "localhost" (which may resolve to
// ::1 first) or [::1]: RabbitMQ listens on both loopbacks.
func checkLoopbackNames(c *checkRun, t target) {
	u, err := url.Parse(t.amqpURL)
	c.must(err, "parse the broker URL")
	if host := u.Hostname(); host != "127.0.0.1" && host != "localhost" && host != "::1" {
		fmt.Printf("  info %s: the broker is not on a loopback address (%s); nothing to check\n", c.name, host)
		return
	}
	hosts := []string{"localhost", "::1"}
	if l, err := net.Listen("tcp", "[::1]:0"); err != nil {
		fmt.Printf("  info %s: no ::1 on this machine; localhost only\n", c.name)
		hosts = hosts[:1]
	} else {
		l.Close()
	}
	for _, host := range hosts {
		other := *u
		other.Host = net.JoinHostPort(host, u.Port())
		conn, err := dial(target{amqpURL: other.String()}, "go-loopback")
		if !c.expect(err == nil, "dial "+other.Host, "a connection", describe(err)) {
			continue
		}
		ch, err := conn.Channel()
		if err == nil {
			_, err = ch.QueueDeclare("", false, true, true, false, nil)
		}
		c.expect(err == nil, "declare a queue over "+other.Host, "no error",
			fmt.Sprintf("%s (connected to %v)", describe(err), conn.RemoteAddr()))
		err = conn.Close()
		c.expect(err == nil, "close the connection over "+other.Host, "no error", describe(err))
	}
}
