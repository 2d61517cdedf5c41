/// Fixed vocabularies the generators draw from. Every value is fictional.
enum Catalog {
    static let firstNames = [
        "Olivia", "Jack", "Charlotte", "Noah", "Amelia", "William", "Isla", "Oliver", "Mia", "Thomas", "Ava",
        "James", "Grace", "Lucas", "Chloe", "Henry", "Zoe", "Ethan", "Ruby", "Liam", "Sophie", "Leo", "Ella",
        "Archie", "Emily", "Harrison", "Matilda", "Lachlan", "Harper", "Cooper", "Evie", "Mason", "Willow",
        "Hudson", "Sienna", "Xavier", "Priya", "Arjun", "Mei", "Wei", "Sakura", "Kenji", "Aroha", "Tane",
        "Siobhan", "Niamh", "Fatima", "Omar", "Jennifer", "Michael", "Sarah", "David", "Jessica", "Daniel",
        "Ngaio", "Ilse", "Bjorn", "Ana", "Mateo", "Lucia", "Dimitri", "Eleni", "Kwame", "Ama", "Ji-woo", "Min-jun",
    ]
    static let lastNames = [
        "Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Johnson", "White", "Martin", "Anderson",
        "Thompson", "Nguyen", "Thomas", "Walker", "Harris", "Lee", "Ryan", "Robinson", "Kelly", "King", "Davis",
        "Wright", "Evans", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Singh",
        "Chen", "Wang", "Li", "Zhang", "Tran", "Le", "Kim", "Park", "Murphy", "O'Brien", "Mitchell", "Campbell",
        "Young", "Scott", "Stewart", "Morris", "Ngata", "Te Rangi", "Papadopoulos", "Rossi", "Müller",
        "García", "Fernández", "Kowalski", "van der Berg", "McDonald", "Fitzgerald", "Nakamura", "Sato",
    ]
    static let titles = ["Mr", "Mrs", "Ms", "Miss", "Dr"]
    static let emailDomains = [
        "gmail.com", "gmail.com", "gmail.com", "hotmail.com", "outlook.com", "icloud.com", "bigpond.com",
        "yahoo.com.au", "optusnet.com.au", "gmial.com", "hotmial.com", "example.com",
    ]
    static let cities: [(city: String, state: String, postCode: String)] = [
        ("Sydney", "NSW", "2000"), ("Bondi", "NSW", "2026"), ("Parramatta", "NSW", "2150"),
        ("Melbourne", "VIC", "3000"), ("Fitzroy", "VIC", "3065"), ("Brisbane", "QLD", "4000"),
        ("Gold Coast", "QLD", "4217"), ("Perth", "WA", "6000"), ("Fremantle", "WA", "6160"),
        ("Adelaide", "SA", "5000"), ("Hobart", "TAS", "7000"), ("Canberra", "ACT", "2600"),
    ]
    static let clinicPrefixes = [
        "Harbourside", "Eastside", "Northbridge", "Wattle", "Bayview", "Riverbend", "Kookaburra", "Summit",
        "Coastal", "Parkview", "Greenway", "Banksia", "Southbank", "Hillcrest", "Lakeside", "Ironbark",
        "Seabreeze", "Redgum", "Bluewater", "Jacaranda", "Saltbush", "Mangrove", "Tallowwood", "Grevillea",
    ]
    static let clinicSuffixes = ["Physio", "Physiotherapy", "Osteo", "Health", "Sports Physio", "Wellness"]
    /// (IANA identifier, Rails label) of the zones businesses live in.
    static let timeZones: [(identifier: String, label: String)] = [
        ("Australia/Sydney", "Sydney"), ("Australia/Melbourne", "Melbourne"), ("Australia/Brisbane", "Brisbane"),
        ("Australia/Perth", "Perth"), ("Australia/Adelaide", "Adelaide"), ("Pacific/Auckland", "Auckland"),
        ("Europe/London", "London"),
    ]
    static let designations = ["Physiotherapist", "Osteopath", "Chiropractor", "Myotherapist"]
    /// (name, duration, share, telehealth, max attendees).
    static let appointmentTypes: [(name: String, minutes: Int, share: Double, telehealth: Bool, attendees: Int)] = [
        ("Initial Consultation", 60, 15, false, 1), ("Subsequent Consultation", 30, 45, false, 1),
        ("Follow-up", 30, 15, false, 1), ("Telehealth", 30, 5, true, 1), ("Online Call", 30, 3, true, 1),
        ("Free 15 minute Online Call", 15, 3, true, 1), ("5 Session Package", 60, 2, false, 1),
        ("10 session package", 60, 2, false, 1), ("Massage 60", 60, 5, false, 1), ("Massage 90", 90, 2, false, 1),
        ("Pilates class", 60, 3, false, 8),
    ]
    static let colors = ["#0099ff", "#33cc66", "#ff9900", "#cc3366", "#9966ff", "#00b3b3", "#f0c", "#666666"]
    /// Cliniko cancellation reason codes with their shares and descriptions.
    static let cancellationReasons: [(code: UInt8, share: Double, text: String)] = [
        (10, 25, "Feeling Better"), (30, 20, "Sick"), (40, 15, "Away"), (60, 15, "Work"), (50, 20, "Other"),
        (20, 3, "Condition Worse"), (31, 2, "COVID-19 related"),
    ]
    static let junkPhones = [
        "n/a", "N/A", "none", "-", "0", "TBA", "0400000000", "ph after 5pm", "0491 570 156 (mum)",
        "0491570156 / 02 5550 1234", "+61 (0) 491 570 156", "jen.smith@gmail.com", "049157015", "0491 570 159  ",
    ]
    static let nicknames = ["🌸", "✨", "💪", "🏄", "☀️", ""]
    static let incomingTexts = [
        "Hi, can I book in for next week?", "Running 10 min late sorry!", "Do you have anything Saturday morning?",
        "Can I move my appointment to Thursday?", "Thanks so much, see you then", "Is parking available?",
        "How much is an initial consult?", "I need to cancel tomorrow, feeling better", "Yes please",
        "Does my health fund cover this?",
    ]
    static let outgoingTexts = [
        "Hi! Yes we have 9:15 or 2:30 available.", "No worries, see you soon.", "You're booked in, see you then!",
        "Your appointment has been moved.", "Reminder: your appointment is tomorrow.", "Initial consults are $110.",
        "We'd love to see you again, would you like to book a follow-up?", "Please reply YES to confirm.",
    ]
    static let agents = ["Sam", "Alex", "Jordan", "Priya"]
}
