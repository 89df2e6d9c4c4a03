package screening

import (
	"context"
	"runtime"
	"sync"

	"ties/match"
)

// Batch screens n queries against ix on all cores and hands each result to
// emit in input order, as soon as it and every one before it are done, so
// a caller can write results and audit records as they come. It stops at
// the first error emit returns, or when ctx is done, and returns that
// error; queries not yet screened are not.
func Batch(ctx context.Context, ix *match.Index, n int, query func(i int) match.Query, emit func(i int, ms []match.Match) error) error {
	if n == 0 {
		return ctx.Err()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([][]match.Match, n)
	done := make([]bool, n)
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				ms := ix.Search(query(i))
				mu.Lock()
				results[i], done[i] = ms, true
				cond.Signal()
				mu.Unlock()
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range n {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	// Wake the emitter when ctx ends, so it does not wait for results
	// that will never come.
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		cond.Broadcast()
		mu.Unlock()
	})
	defer stop()
	var err error
	for i := range n {
		mu.Lock()
		for !done[i] && ctx.Err() == nil {
			cond.Wait()
		}
		ms, ok := results[i], done[i]
		results[i] = nil
		mu.Unlock()
		if !ok {
			err = ctx.Err()
			break
		}
		if err = emit(i, ms); err != nil {
			break
		}
	}
	cancel()
	wg.Wait()
	return err
}
