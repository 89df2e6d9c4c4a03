package watch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// WebhookPolicy keeps webhooks off the server's own network (server-side
// request forgery): a webhook may not reach a loopback, private,
// link-local (the cloud metadata service at 169.254.169.254 among them),
// shared (100.64.0.0/10), multicast or unspecified address, unless an
// admin allows the destination explicitly. Targets are checked when a
// watch is added (Check) and again when each webhook is dialled (Client),
// after name resolution, so a name that resolves elsewhere later (DNS
// rebinding) is still refused.
type WebhookPolicy struct {
	// Allow lists destinations allowed even so: a host name or IP ("hooks.internal",
	// "10.1.2.3"), with a port to allow only that port ("127.0.0.1:9000"),
	// or a CIDR range ("10.20.0.0/16").
	Allow []string
}

// DefaultPolicy, when set, guards the deliveries whose DeliverOptions give
// no Client and no Policy. cmd/ties sets it from --webhook-allow /
// TIES_WEBHOOK_ALLOW; nil (library use, tests) leaves deliveries unguarded.
var DefaultPolicy *WebhookPolicy

// ParseAllow splits a comma-separated allow list (--webhook-allow).
func ParseAllow(s string) ([]string, error) {
	var out []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if strings.Contains(part, "/") {
			if _, err := netip.ParsePrefix(part); err != nil {
				return nil, fmt.Errorf("webhook allow %q: %v", part, err)
			}
		}
		out = append(out, part)
	}
	return out, nil
}

// ErrForbiddenTarget is wrapped by the errors of refused destinations.
var ErrForbiddenTarget = errors.New("webhook destination not allowed")

// forbidden says why ip may not be a webhook destination, or "".
func forbidden(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsUnspecified():
		return "an unspecified address"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "a link-local address (cloud metadata services live there)"
	case ip.IsPrivate():
		return "a private address"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "a multicast address"
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return "a reserved address (" + p.String() + ")"
		}
	}
	return ""
}

var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // shared address space; some clouds' metadata
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can reach private IPv4
}

// allowedHost: the host (and port) is named in the allow list.
func (p WebhookPolicy) allowedHost(host, port string) bool {
	for _, a := range p.Allow {
		if strings.Contains(a, "/") {
			continue
		}
		if h, pt, err := net.SplitHostPort(a); err == nil {
			if strings.EqualFold(h, host) && pt == port {
				return true
			}
			continue
		}
		if strings.EqualFold(strings.Trim(a, "[]"), host) {
			return true
		}
	}
	return false
}

// allowedIP: ip falls in an allowed range or is named (with its port).
func (p WebhookPolicy) allowedIP(ip netip.Addr, port string) bool {
	ip = ip.Unmap()
	for _, a := range p.Allow {
		if pr, err := netip.ParsePrefix(a); err == nil && pr.Contains(ip) {
			return true
		}
	}
	return p.allowedHost(ip.String(), port)
}

// checkIP refuses ip unless allowed.
func (p WebhookPolicy) checkIP(host string, ip netip.Addr, port string) error {
	if why := forbidden(ip); why != "" && !p.allowedIP(ip, port) {
		what := host
		if host != ip.String() {
			what = fmt.Sprintf("%s (%s)", host, ip)
		}
		return fmt.Errorf("%w: %s is %s; an admin can allow it with --webhook-allow (TIES_WEBHOOK_ALLOW)", ErrForbiddenTarget, what, why)
	}
	return nil
}

func splitTarget(target string) (host, port string, err error) {
	u, err := url.Parse(target)
	if err != nil || u.Hostname() == "" {
		return "", "", fmt.Errorf("webhook %q: no host", target)
	}
	port = u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return strings.ToLower(u.Hostname()), port, nil
}

// Check refuses a webhook URL whose host is, or resolves to, a forbidden
// address (see WebhookPolicy). IP literals need no lookup. A name that
// does not resolve now (an offline server) passes: Client checks it again
// when it dials.
func (p WebhookPolicy) Check(ctx context.Context, target string) error {
	host, port, err := splitTarget(target)
	if err != nil {
		return err
	}
	if p.allowedHost(host, port) {
		return nil
	}
	ips, err := p.resolve(ctx, host)
	if err != nil {
		return nil
	}
	for _, ip := range ips {
		if err := p.checkIP(host, ip, port); err != nil {
			return err
		}
	}
	return nil
}

func (p WebhookPolicy) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("webhook host %s: %w", host, err)
	}
	return ips, nil
}

// Client is an HTTP client whose connections go only to destinations the
// policy allows: it resolves the host itself, checks every address and
// dials a checked one. It uses no proxy (a proxy would dial for it,
// unchecked) and follows no redirect (a redirect could point anywhere).
func (p WebhookPolicy) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: timeout}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			if p.allowedHost(strings.ToLower(host), port) {
				return dialer.DialContext(ctx, network, addr)
			}
			ips, err := p.resolve(ctx, host)
			if err != nil {
				return nil, err
			}
			for _, ip := range ips {
				if err := p.checkIP(host, ip, port); err != nil {
					return nil, err
				}
			}
			var last error
			for _, ip := range ips {
				c, err := dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
				if err == nil {
					return c, nil
				}
				last = err
			}
			return nil, last
		},
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       time.Minute,
	}
	return &http.Client{
		Timeout:   timeout,
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
