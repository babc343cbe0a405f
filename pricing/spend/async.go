package spend

import "github.com/plan-cli/plan/pricing/usage"

// batchSize is how many records travel to the aggregating goroutine at once.
const batchSize = 512

// Async lets reading and aggregating run on two cores: add copies each record
// into a batch that another goroutine prices and adds; wait returns once
// every record added before it has been counted. add must not be called
// after wait, nor from several goroutines at once.
func (a *Aggregator) Async() (add func(*usage.Record) error, wait func()) {
	full := make(chan []usage.Record, 4)
	free := make(chan []usage.Record, 6)
	for range 6 {
		free <- make([]usage.Record, 0, batchSize)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for batch := range full {
			for i := range batch {
				a.Add(&batch[i])
			}
			free <- batch[:0]
		}
	}()
	cur := <-free
	add = func(r *usage.Record) error {
		cur = append(cur, *r)
		if len(cur) == batchSize {
			full <- cur
			cur = <-free
		}
		return nil
	}
	wait = func() {
		if len(cur) > 0 {
			full <- cur
		}
		close(full)
		<-done
	}
	return add, wait
}
