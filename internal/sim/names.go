package sim

// Word lists for synthetic people and places. Common given names and
// surnames are facts (US census frequency lists), not anyone's data; the
// combinations are random.

var firstNames = []string{
	"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
	"William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
	"Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra",
	"Donald", "Ashley", "Steven", "Kimberly", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle",
	"Kenneth", "Carol", "Kevin", "Amanda", "Brian", "Dorothy", "George", "Melissa", "Timothy", "Deborah",
	"Ronald", "Stephanie", "Edward", "Rebecca", "Jason", "Sharon", "Jeffrey", "Laura", "Ryan", "Cynthia",
	"Jacob", "Kathleen", "Gary", "Amy", "Nicholas", "Angela", "Eric", "Shirley", "Jonathan", "Anna",
	"Stephen", "Brenda", "Larry", "Pamela", "Justin", "Emma", "Scott", "Nicole", "Brandon", "Helen",
	"Benjamin", "Samantha", "Samuel", "Katherine", "Gregory", "Christine", "Alexander", "Debra", "Frank", "Rachel",
	"Patrick", "Carolyn", "Raymond", "Janet", "Jack", "Catherine", "Dennis", "Maria", "Jerry", "Heather",
	"Tyler", "Diane", "Aaron", "Ruth", "Jose", "Julie", "Adam", "Olivia", "Nathan", "Joyce",
	"Henry", "Virginia", "Douglas", "Victoria", "Zachary", "Kelly", "Peter", "Lauren", "Kyle", "Christina",
	"Ethan", "Joan", "Walter", "Evelyn", "Noah", "Judith", "Jeremy", "Megan", "Christian", "Andrea",
	"Keith", "Cheryl", "Roger", "Hannah", "Terry", "Jacqueline", "Gerald", "Martha", "Harold", "Gloria",
	"Sean", "Teresa", "Austin", "Ann", "Carl", "Sara", "Arthur", "Madison", "Lawrence", "Frances",
	"Dylan", "Kathryn", "Jesse", "Janice", "Jordan", "Jean", "Bryan", "Abigail", "Billy", "Alice",
	"Priya", "Wei", "Fatima", "Mohammed", "Aisha", "Carlos", "Lucia", "Hiroshi", "Mei", "Omar",
}

var lastNames = []string{
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
	"Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
	"Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
	"Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
	"Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
	"Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
	"Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper",
	"Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson",
	"Watson", "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes",
	"Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez",
	"Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes",
	"Gonzales", "Fisher", "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander", "Hamilton", "Graham",
	"Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes", "Bryant", "Herrera", "Gibson",
	"Ellis", "Tran", "Medina", "Aguilar", "Stevens", "Murray", "Ford", "Castro", "Marshall", "Owens",
	"Harrison", "Fernandez", "McDonald", "Woods", "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen",
	"Freeman", "Webb", "Tucker", "Guzman", "Burns", "Crawford", "Olson", "Simpson", "Porter", "Hunter",
	"Gordon", "Mendez", "Silva", "Shaw", "Snyder", "Mason", "Dixon", "Munoz", "Hunt", "Hicks",
	"Holmes", "Palmer", "Wagner", "Black", "Robertson", "Boyd", "Rose", "Stone", "Salazar", "Fox",
	"Warren", "Mills", "Meyer", "Rice", "Schmidt", "Garza", "Daniels", "Ferguson", "Nichols", "Stephens",
	"Soto", "Weaver", "Ryan", "Gardner", "Payne", "Grant", "Dunn", "Kelley", "Spencer", "Hawkins",
}

var streets = []string{
	"Maple Ave", "Oak St", "Pine St", "Cedar Ln", "Elm St", "Washington Blvd", "Lake Dr", "Hill Rd",
	"Park Ave", "Main St", "Church St", "River Rd", "Sunset Blvd", "Highland Ave", "Forest Dr", "Meadow Ln",
	"Spring St", "Walnut St", "Chestnut St", "Willow Way", "Franklin Ave", "Lincoln Rd", "Jefferson St",
	"Madison Ave", "Union St", "Mill Rd", "School St", "Prospect Ave", "Ridge Rd", "Valley View Dr",
}

// city is a town around the hospital with its postal-code prefix and centre.
type city struct {
	name   string
	postal string
	lat    float64
	lon    float64
}

// The hospital sits at hospitalLat/Lon; the towns are within ~25 km.
const (
	hospitalLat = 41.8240
	hospitalLon = -71.4128
)

var cities = []city{
	{"Providence", "029", 41.8240, -71.4128},
	{"Cranston", "029", 41.7798, -71.4373},
	{"Pawtucket", "028", 41.8787, -71.3826},
	{"East Providence", "029", 41.8137, -71.3701},
	{"Warwick", "028", 41.7001, -71.4162},
	{"Johnston", "029", 41.8218, -71.5065},
	{"North Providence", "029", 41.8501, -71.4662},
	{"Lincoln", "028", 41.9112, -71.4351},
	{"Barrington", "028", 41.7407, -71.3087},
	{"Smithfield", "029", 41.9220, -71.5495},
}

// departments: clinical departments first (clinicalDepts of them), then
// support departments. Spelling is the contract (contracts.md §1).
var departments = []string{
	"Emergency", "ICU", "Cardiology", "Oncology", "Pediatrics", "Surgery", "Internal Medicine",
	"Obstetrics", "Neurology", "Orthopedics", "Radiology", "Laboratory", "Pharmacy",
	"HIM", "Billing", "Registration", "IT", "Finance", "Administration", "Research", "Clinical Engineering",
}

// wardDepts are the departments that admit or see patients (encounters).
var wardDepts = departments[:10]

// deptWeight is the share of encounters per ward department (Emergency busiest).
var deptWeight = []int{30, 6, 9, 8, 8, 8, 12, 6, 6, 7}

var conditions = []struct{ icd, text string }{
	{"I10", "Essential (primary) hypertension"}, {"E11.9", "Type 2 diabetes mellitus without complications"},
	{"J18.9", "Pneumonia, unspecified organism"}, {"I21.4", "Non-ST elevation myocardial infarction"},
	{"C50.911", "Malignant neoplasm of right female breast"}, {"J45.909", "Unspecified asthma, uncomplicated"},
	{"S72.001A", "Fracture of unspecified part of neck of right femur"}, {"N39.0", "Urinary tract infection"},
	{"F32.9", "Major depressive disorder, single episode"}, {"O80", "Encounter for full-term uncomplicated delivery"},
	{"I63.9", "Cerebral infarction, unspecified"}, {"K35.80", "Acute appendicitis"},
	{"B20", "HIV disease"}, {"F10.20", "Alcohol dependence, uncomplicated"}, {"C34.90", "Malignant neoplasm of lung"},
}
