package cli

// The dashboard, alerts and metrics flags of pkgaudit server (issue 14);
// fleet/serve runs them.

import (
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/pkgaudit/pkgaudit/fleet/mail"
	"github.com/pkgaudit/pkgaudit/fleet/webhook"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
)

// dashFlags are the server's dashboard, alert and metrics options.
type dashFlags struct {
	webhooks, webhookSecrets []string
	webhookSecretFile        string
	mailCommand, mailFrom    string
	mailTo                   []string
	metricsListen            string
	feedMaxAge, alertEvery   time.Duration
	loginTTL                 time.Duration
}

func addDashFlags(fl *pflag.FlagSet, d *dashFlags) {
	fl.StringArrayVar(&d.webhooks, "webhook", nil, "POST alerts (JSON, signed) to this URL; repeatable")
	fl.StringArrayVar(&d.webhookSecrets, "webhook-secret", nil, "HMAC-SHA256 key of the X-Pkgaudit-Signature header: one for every --webhook, or one each in order")
	fl.StringVar(&d.webhookSecretFile, "webhook-secret-file", "", "read the webhook secrets from this file, one a line (instead of --webhook-secret, which ps(1) shows)")
	fl.StringVar(&d.mailCommand, "mail-command", "", `also mail alerts, one message per run, through this sendmail-compatible command (e.g. "/usr/sbin/sendmail -t -i")`)
	fl.StringArrayVar(&d.mailTo, "mail-to", nil, "recipient of the alert mail; repeatable")
	fl.StringVar(&d.mailFrom, "mail-from", "pkgaudit", "sender of the alert mail")
	fl.StringVar(&d.metricsListen, "metrics-listen", "", "also serve /metrics without authentication on this address (e.g. 127.0.0.1:9120)")
	fl.DurationVar(&d.feedMaxAge, "feed-max-age", 72*time.Hour, "a database unchanged for this long is stale (dashboard, alerts)")
	fl.DurationVar(&d.alertEvery, "alert-interval", 30*time.Second, "how often alerts are checked and delivered (and expired exceptions lifted)")
	fl.DurationVar(&d.loginTTL, "login-ttl", 12*time.Hour, "how long a dashboard login lasts")
}

// alertSinks checks the alert flags and returns the webhooks and the
// mailer they name.
func (d *dashFlags) alertSinks() ([]*webhook.Sender, *mail.Mailer, error) {
	if d.webhookSecretFile != "" {
		if len(d.webhookSecrets) > 0 {
			return nil, nil, usageError("--webhook-secret and --webhook-secret-file exclude each other")
		}
		data, err := safeopen.ReadFile(d.webhookSecretFile)
		if err != nil {
			return nil, nil, usageError("--webhook-secret-file: %v", err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if line = strings.TrimRight(line, "\r"); line != "" {
				d.webhookSecrets = append(d.webhookSecrets, line)
			}
		}
		if len(d.webhookSecrets) == 0 {
			return nil, nil, usageError("--webhook-secret-file %s holds no secret", d.webhookSecretFile)
		}
	}
	if len(d.webhookSecrets) > 1 && len(d.webhookSecrets) != len(d.webhooks) {
		return nil, nil, usageError("--webhook-secret: give one for all webhooks or one per --webhook (%d webhooks, %d secrets)", len(d.webhooks), len(d.webhookSecrets))
	}
	var senders []*webhook.Sender
	for i, u := range d.webhooks {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return nil, nil, usageError("--webhook %q is not an http(s) URL", u)
		}
		if len(d.webhookSecrets) == 0 {
			return nil, nil, usageError("--webhook needs --webhook-secret (receivers check the signature)")
		}
		secret := d.webhookSecrets[0]
		if len(d.webhookSecrets) > 1 {
			secret = d.webhookSecrets[i]
		}
		if secret == "" {
			return nil, nil, usageError("--webhook-secret is empty")
		}
		senders = append(senders, &webhook.Sender{URL: u, Secret: []byte(secret), UserAgent: "pkgaudit/" + Version})
	}
	var mailer *mail.Mailer
	if d.mailCommand != "" || len(d.mailTo) > 0 {
		if d.mailCommand == "" || len(d.mailTo) == 0 {
			return nil, nil, usageError("--mail-command and --mail-to go together")
		}
		mailer = &mail.Mailer{Command: strings.Fields(d.mailCommand), From: d.mailFrom, To: d.mailTo}
	}
	return senders, mailer, nil
}
