package train

import (
	"fmt"
	"strings"
)

// spoofAuth is what the border MTA records for a message whose From is the
// own domain but which an outsider sent: an own-domain envelope failing SPF,
// the attacker's own envelope passing SPF but not aligned (DMARC fail), or no
// result at all (a border MTA that does not stamp; then only the Received
// hop from outside tells).
func (g *gen) spoofAuth(attacker string) (auth, envelope string) {
	switch g.r.IntN(10) {
	case 0, 1, 2, 3:
		return fmt.Sprintf("mx.%s; spf=fail smtp.mailfrom=%s; dkim=none; dmarc=fail header.from=%s", own, own, own), "noreply@" + own
	case 4, 5, 6:
		return fmt.Sprintf("mx.%s; spf=pass smtp.mailfrom=%s; dkim=none; dmarc=fail header.from=%s", own, attacker, own), "bounce@" + attacker
	}
	return "", "postmaster@" + attacker
}

// ownDomainFamilies: mail whose From is the hospital's own domain but which
// came in from outside. Two phishing families spoof the own domain with
// their own wording (phish-spoofed-internal, in families(), is the third);
// two benign ones are the legitimate cases a spoof signal must live with:
// staff posts relayed back by an outside mailing list (DMARC usually fails)
// and cloud services sending as the own domain (DMARC usually passes).
func ownDomainFamilies() []family {
	return []family{
		{"phish-spoofed-it-notice", 1, false, func(g *gen) mail {
			_, to := g.staff()
			dom := g.pick(badHosts)
			auth, env := g.spoofAuth(dom)
			i := g.r.IntN(3)
			body := []string{
				"Your mailbox is being moved to the new Exchange Online tenant tonight. Messages that are not validated before 18:00 will be lost. Validate your mailbox using the link below.",
				"%d incoming messages addressed to you were held in quarantine. Review and release them within 48 hours, after which they will be deleted permanently.",
				"Our records show that your Citrix remote-access certificate expires today. Reinstall it from the link below to keep working from home without interruption.",
			}[i]
			if i == 1 {
				body = fmt.Sprintf(body, g.r.IntN(6)+2)
			}
			path := []string{"owa/validate", "quarantine/release?id=" + fmt.Sprint(g.r.IntN(99999)), "citrix/cert/renew"}[i]
			return mail{from: g.one("IT Department", "Service Desk", "Messaging Team", "IT Operations") + " <" + g.one("it-support", "helpdesk", "mailadmin", "noreply-it") + "@" + own + ">",
				returnPath: env, to: to, auth: auth, fromOutside: true,
				subject: []string{"Mailbox migration tonight - action required", "Quarantine report: messages held for you", "Remote access certificate expires today"}[i],
				html: fmt.Sprintf("<p>Dear colleague,</p><p>%s</p><p><a href=\"https://%s/%s\">%s</a></p><p>Thank you,<br>%s IT</p>",
					body, dom, path, g.one("Continue", "Review now", "https://intranet."+own+"/it"), "St. Brigid")}
		}},
		{"phish-spoofed-hr-policy", 1, false, func(g *gen) mail {
			_, to := g.staff()
			dom := g.pick(badHosts)
			auth, env := g.spoofAuth(dom)
			i := g.r.IntN(3)
			m := mail{from: g.one("Human Resources", "Employee Relations", "Office of the President") + " <" + g.one("hr-policy", "employee.relations", "benefits", "president") + "@" + own + ">",
				returnPath: env, to: to, auth: auth, fromOutside: true,
				subject: []string{"Updated Code of Conduct - acknowledgement required", "2027 salary bands published", "Revised PTO and holiday policy"}[i]}
			text := []string{
				"The updated Code of Conduct and remote-work policy take effect on Monday. All employees must read and e-sign the acknowledgement by Friday; unsigned acknowledgements are reported to your manager.",
				"Following the annual compensation review, the 2027 salary bands have been published. Review your new grade and confirm your employee details in the document below.",
				"Please review the revised PTO and holiday policy and sign to acknowledge before the end of the week. Accrual balances change on January 1.",
			}[i]
			if g.r.IntN(3) == 0 {
				m.text = text + "\n\nOpen the attached acknowledgement form.\n\nHuman Resources"
				m.attach = []att{{g.one("Policy_Acknowledgement.htm", "Salary_Bands_2027.html"), "text/html",
					b64(fmt.Sprintf("<html><form action=\"https://%s/hr/ack.php\" method=post><input name=email><input type=password name=pw></form></html>", dom))}}
				return m
			}
			m.html = fmt.Sprintf("<p>%s</p><p><a href=\"https://%s/%s\">Open the document</a></p><p>Human Resources<br>St. Brigid Regional Health</p>",
				text, dom, g.one("policy/sign?e="+fmt.Sprint(g.r.IntN(99999)), "docs/view/hr-policy", "share/salary-bands"))
			return m
		}},
		{"benign-list-forward-own", 0, false, func(g *gen) mail {
			n, a := g.staff()
			list := g.pick([]string{"nurse-leaders@lists.nursingleadershipforum.org", "hit-security@lists.hisc-community.org", "rx-directors@lists.regionalrx.org"})
			ld := domainOf(list)
			name := list[:strings.IndexByte(list, '@')]
			auth := fmt.Sprintf("mx.%s; spf=pass smtp.mailfrom=%s; dkim=fail header.d=%s; dmarc=fail header.from=%s", own, ld, own, own)
			if g.r.IntN(10) < 3 { // the list left the body alone: the own DKIM signature survives
				auth = fmt.Sprintf("mx.%s; spf=pass smtp.mailfrom=%s; dkim=pass header.d=%s; dmarc=pass header.from=%s", own, ld, own, own)
			}
			return mail{from: fmt.Sprintf("%s <%s>", n, a), to: list, returnPath: name + "-bounces@" + ld, auth: auth, fromOutside: true,
				headers: []string{"List-Id: <" + strings.Replace(list, "@", ".", 1) + ">", "List-Unsubscribe: <https://" + ld + "/mailman/options/" + name + ">"},
				subject: "[" + name + "] " + g.one("Sepsis screening at triage", "Badge access audits", "Pharmacy night coverage models", "Question about downtime drills"),
				text: fmt.Sprintf("%s,\n\n%s\n\n%s\nSt. Brigid Regional Health\n\n--\n%s mailing list\nhttps://%s/mailman/listinfo/%s",
					g.one("Hi all", "Colleagues", "Hello everyone"),
					g.one("Has anyone moved sepsis screening to the triage nurse? We are piloting it in our ED and would love to compare notes on alert fatigue.",
						"We are reviewing how often we audit badge access to the pharmacy and the data center. How frequently do your teams do it?",
						"How are other hospitals covering overnight pharmacy verification? We are considering a shared remote model with a partner site.",
						"We are planning our annual downtime drill. Does anyone have a checklist they would be willing to share?"), n, name, ld, name)}
		}},
		{"benign-own-domain-saas", 0, false, func(g *gen) mail {
			_, to := g.staff()
			esp := g.one("em.esp-mailer.net", "mail.surveyhost.com", "notify.hrcloud.com")
			auth := fmt.Sprintf("mx.%s; spf=pass smtp.mailfrom=%s; dkim=pass header.d=%s; dmarc=pass header.from=%s", own, esp, own, own)
			if g.r.IntN(6) == 0 { // a newly onboarded service that does not sign for the own domain yet
				auth = fmt.Sprintf("mx.%s; spf=pass smtp.mailfrom=%s; dkim=none; dmarc=fail header.from=%s", own, esp, own)
			}
			i := g.r.IntN(3)
			return mail{from: []string{"St. Brigid Foundation <foundation@", "Employee Engagement <survey@", "St. Brigid Careers <careers@"}[i] + own + ">",
				returnPath: fmt.Sprintf("bounces+%d@%s", g.r.IntN(999999), esp), to: to, auth: auth, fromOutside: true,
				subject: []string{"You're invited: Winter Gala for the cancer center", "Your voice matters: 2026 engagement survey", "New internal openings this week"}[i],
				html: fmt.Sprintf("<p>%s</p><p><a href=\"https://%s/c/%d\">%s</a></p><p>St. Brigid Regional Health</p>",
					[]string{"Join us on December 12 for the Winter Gala supporting the new cancer center. Tickets and volunteer shifts are available now.",
						"The annual employee engagement survey is open until Friday. It takes ten minutes and responses are anonymous.",
						"Twelve internal positions were posted this week, including charge nurse roles in Oncology and the ICU."}[i],
					esp, g.r.IntN(999999), []string{"Reserve your seat", "Take the survey", "See the openings"}[i])}
		}},
	}
}
