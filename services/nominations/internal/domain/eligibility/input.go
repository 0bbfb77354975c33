package eligibility

// Award is an award type code of the catalogue (domain.md §4).
type Award string

// The award types the rules name, and the other common ones.
const (
	LDTT       Award = "LDTT"      // Lao động tiên tiến
	CSTDCS     Award = "CSTD_CS"   // Chiến sĩ thi đua cơ sở
	CSTDTinh   Award = "CSTD_TINH" // Chiến sĩ thi đua cấp bộ, ngành, tỉnh
	CSTDTQ     Award = "CSTD_TQ"   // Chiến sĩ thi đua toàn quốc
	TTLDTT     Award = "TTLDTT"    // Tập thể lao động tiên tiến
	TTLDXS     Award = "TTLDXS"    // Tập thể lao động xuất sắc
	CoTinh     Award = "CO_TINH"   // Cờ thi đua cấp bộ, ngành, tỉnh
	CoCP       Award = "CO_CP"     // Cờ thi đua của Chính phủ
	XaTieuBieu Award = "XA_TIEU_BIEU"
	ThonVH     Award = "THON_VH"
	GDVH       Award = "GD_VH"
	GiayKhen   Award = "GIAY_KHEN"
	BKTinh     Award = "BK_TINH" // Bằng khen cấp bộ, ngành, tỉnh
	BKTTG      Award = "BK_TTG"  // Bằng khen của Thủ tướng Chính phủ
	HCLD3      Award = "HCLD_3"  // Huân chương Lao động hạng Ba
	HCLD2      Award = "HCLD_2"
	HCLD1      Award = "HCLD_1"
	HCDL3      Award = "HCDL_3"
	HCDL2      Award = "HCDL_2"
	HCDL1      Award = "HCDL_1"
	HCHCM      Award = "HC_HCM"
	HCSaoVang  Award = "HC_SAO_VANG"
	AHLD       Award = "AH_LD"
)

// Kind is the kind of recipient.
type Kind int

// Recipient kinds.
const (
	Individual Kind = iota
	Collective
	Household
)

// Basis is the kind of achievement an honour or nomination is for.
type Basis int

// Bases. Honours for unexpected achievements or thematic movements do not
// count towards merit chains (G4).
const (
	Merit      Basis = iota // công trạng, the regular yearly route
	Unexpected              // thành tích đột xuất
	Movement                // phong trào thi đua theo chuyên đề, theo đợt
)

// chain reports whether an honour on this basis counts towards R3–R7.
func (b Basis) chain() bool { return b != Unexpected && b != Movement }

// Rating is a yearly task rating.
type Rating string

// Ratings, best first.
const (
	Excellent    Rating = "EXCELLENT"     // hoàn thành xuất sắc nhiệm vụ
	Good         Rating = "GOOD"          // hoàn thành tốt nhiệm vụ
	Completed    Rating = "COMPLETED"     // hoàn thành nhiệm vụ
	NotCompleted Rating = "NOT_COMPLETED" // không hoàn thành nhiệm vụ
)

// rank orders ratings; 0 is not a rating.
func (r Rating) rank() int {
	switch r {
	case Excellent:
		return 4
	case Good:
		return 3
	case Completed:
		return 2
	case NotCompleted:
		return 1
	}
	return 0
}

// YearRating is the rating of one year.
type YearRating struct {
	Year   int
	Rating Rating
}

// Scope is the level at which an initiative was recognised.
type Scope string

// Scopes, narrowest first.
const (
	Grassroots Scope = "GRASSROOTS"
	Province   Scope = "PROVINCE" // ministry, central body or province
	National   Scope = "NATIONAL"
)

// rank orders scopes; 0 is not a scope.
func (s Scope) rank() int {
	switch s {
	case Grassroots:
		return 1
	case Province:
		return 2
	case National:
		return 3
	}
	return 0
}

// Grant names an award of a period: an award type and its year.
type Grant struct {
	Award Award
	Year  int
}

// Initiative is an initiative or research project (sáng kiến, đề tài)
// declared as grounds.
type Initiative struct {
	ID    string
	Title string
	Scope Scope
	Year  int // year it was recognised
	// UsedFor is the other award it already grounded; zero if none (G3).
	UsedFor Grant
}

// State is an honour's state in the register.
type State int

// States.
const (
	Active State = iota
	Revoked
)

// Honour is a prior honour of the recipient.
type Honour struct {
	Award Award
	Year  int // the year it is for; for a period, its last year
	Basis Basis
	State State
	// Achievement identifies the achievement it rewarded, when one was
	// named (an event, a movement's review); empty otherwise (G2).
	Achievement string
}

// Nomination is another open or conferred nomination of the recipient.
type Nomination struct {
	ID          string
	Award       Award
	Year        int
	Achievement string // as in Honour
}

// Members are the member counts of a collective (R10, R11).
type Members struct {
	Total       int
	Completed   int // completed their tasks
	LDTT        int // hold Lao động tiên tiến for the year
	CSTDCS      int // hold Chiến sĩ thi đua cơ sở for the year
	Disciplined int // disciplined at warning (cảnh cáo) or above
}

// Proceeding is a kind of pending proceeding (G1).
type Proceeding string

// Proceedings.
const (
	Discipline    Proceeding = "DISCIPLINE"
	Investigation Proceeding = "INVESTIGATION"
	Inspection    Proceeding = "INSPECTION"
	Complaint     Proceeding = "COMPLAINT"
)

// Placement is the recipient's place in a bloc or cluster ranking.
type Placement struct {
	Group     string // display name of the bloc or cluster
	Organiser string // the province or ministry whose council runs it
	Central   bool   // run by the central council
	Year      int
	Rank      int // 1 is first
}

// Lead is a movement the recipient leads at its review.
type Lead struct {
	Movement   string // display name
	Organiser  string // the province or ministry that launched it
	Central    bool   // launched by the Prime Minister
	Thematic   bool
	Years      int // how long the movement runs
	ReviewYear int // year of the review (sơ kết, tổng kết) it leads at
}

// Flags is the R9 context: the collective's place among the holders of
// the province's or ministry's flag for the year.
type Flags struct {
	Holders int // collectives holding CO_TINH of that province or ministry for the year
	Place   int // its place among them as proposed, 1 the most outstanding; 0 if not proposed
}

// Standing is where a collective stands for flags (R8, R9).
type Standing struct {
	Placements []Placement
	Leads      []Lead
	Flags      *Flags // nil if not known
}

// Input is what the rules read about one nomination.
type Input struct {
	Award     Award
	Recipient Kind
	// Year is the year the award is for; for a commendation or order, the
	// last year of its period, up to which a chain is counted.
	Year  int
	Basis Basis
	// Authority is the province or ministry that confers the award, as in
	// Placement.Organiser (R8).
	Authority string
	// Achievement identifies the achievement, when one is named (G2).
	Achievement string

	Ratings     []YearRating
	Initiatives []Initiative
	// InitiativeUsesKnown reports whether the initiatives' earlier uses
	// were looked up (G3).
	InitiativeUsesKnown bool
	Members             *Members // collectives; nil if not declared

	// Pending lists the pending discipline, investigations, inspections
	// and complaints; Attested reports that the proposer attested the list
	// is complete (G1).
	Pending  []Proceeding
	Attested bool

	Honours      []Honour
	HonoursKnown bool
	// Nominations are the recipient's other open or conferred nominations.
	Nominations      []Nomination
	NominationsKnown bool

	Standing *Standing // flags; nil if not known
}
