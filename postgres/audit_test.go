package postgres

import (
	"fmt"
	"sync"
	"testing"

	"ties"
	"ties/postgres/pgtest"
)

// TestAuditTwoReplicas: two stores (two connection pools, as two replicas
// have) append 1,000 records each at the same time; the chain stays one.
func TestAuditTwoReplicas(t *testing.T) {
	url := pgtest.NewDatabase(t)
	const each = 1000
	var wg sync.WaitGroup
	errs := make(chan error, 2*4)
	for r := range 2 {
		st, err := Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		// Four writers per replica, like the server's request goroutines.
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < each; i += 4 {
					_, err := st.AppendAudit(ctx, []ties.AuditRecord{{
						Actor: fmt.Sprintf("token:%d:replica", r), Action: ties.AuditScreen,
						Query: fmt.Sprintf("name %d/%d", r, i), Versions: []int64{1},
					}})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	st, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	last, err := st.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if last != 2*each {
		t.Fatalf("chain ends at %d, want %d", last, 2*each)
	}
}
