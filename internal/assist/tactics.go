package assist

import "strings"

// techniqueTactic maps ATT&CK (Enterprise and ICS-relevant) technique ids to
// their primary tactic. Source: MITRE ATT&CK v15 technique pages; a
// technique under several tactics is listed under the one most often meant
// in hospital incidents.
var techniqueTactic = map[string]string{
	"T1566": "Initial Access", "T1190": "Initial Access", "T1133": "Initial Access", "T1078": "Initial Access",
	"T1199": "Initial Access", "T1195": "Initial Access",
	"T1059": "Execution", "T1204": "Execution", "T1047": "Execution", "T1053": "Execution",
	"T1098": "Persistence", "T1136": "Persistence", "T1547": "Persistence", "T1543": "Persistence", "T1505": "Persistence",
	"T1556": "Credential Access", "T1110": "Credential Access", "T1003": "Credential Access", "T1555": "Credential Access",
	"T1621": "Credential Access", "T1111": "Credential Access", "T1528": "Credential Access",
	"T1068": "Privilege Escalation", "T1548": "Privilege Escalation",
	"T1070": "Defense Evasion", "T1562": "Defense Evasion", "T1036": "Defense Evasion", "T1027": "Defense Evasion",
	"T1087": "Discovery", "T1083": "Discovery", "T1018": "Discovery", "T1046": "Discovery", "T1082": "Discovery", "T1069": "Discovery",
	"T1021": "Lateral Movement", "T1570": "Lateral Movement", "T1534": "Lateral Movement",
	"T1213": "Collection", "T1005": "Collection", "T1114": "Collection", "T1530": "Collection", "T1119": "Collection",
	"T1071": "Command and Control", "T1105": "Command and Control", "T1572": "Command and Control", "T1573": "Command and Control",
	"T1048": "Exfiltration", "T1041": "Exfiltration", "T1567": "Exfiltration", "T1537": "Exfiltration",
	"T1486": "Impact", "T1490": "Impact", "T1489": "Impact", "T1485": "Impact", "T1565": "Impact", "T1657": "Impact",
	"T1656": "Defense Evasion",
}

// tagTactics maps Sigma/ATT&CK tactic tags (attack.<name>) to names.
var tagTactics = map[string]string{
	"reconnaissance": "Reconnaissance", "resource_development": "Resource Development",
	"initial_access": "Initial Access", "execution": "Execution", "persistence": "Persistence",
	"privilege_escalation": "Privilege Escalation", "defense_evasion": "Defense Evasion",
	"credential_access": "Credential Access", "discovery": "Discovery", "lateral_movement": "Lateral Movement",
	"collection": "Collection", "command_and_control": "Command and Control", "exfiltration": "Exfiltration",
	"impact": "Impact",
}

// tacticOf returns the tactic of a technique id (sub-techniques map to
// their parent) or of an attack.<tactic> tag; "" when unknown.
func tacticOf(s string) string {
	if t, ok := strings.CutPrefix(strings.ToLower(s), "attack."); ok {
		return tagTactics[strings.ReplaceAll(t, "-", "_")]
	}
	id, _, _ := strings.Cut(strings.ToUpper(s), ".")
	return techniqueTactic[id]
}
