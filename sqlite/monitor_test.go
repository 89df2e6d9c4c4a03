package sqlite

import (
	"testing"

	"ties"
	"ties/storetest"
)

func TestMonitorStore(t *testing.T) {
	storetest.RunMonitor(t, func(t *testing.T) ties.MonitoredStore { return openTemp(t) })
}
