package mathml

// The tables below map TeX command names to the characters MathML shows.

// greek maps the Greek letters TeX knows to their characters. TeX has no
// \omicron and no uppercase letters that look like Latin ones (\Alpha).
var greek = map[string]string{
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ",
	"varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ",
	"iota": "ι", "kappa": "κ", "varkappa": "ϰ", "lambda": "λ", "mu": "μ",
	"nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ",
	"sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
	"varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
}

// upperGreek maps TeX's uppercase Greek letters; TeX sets them upright.
var upperGreek = map[string]string{
	"Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
	"Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}

// ordinary maps symbols that TeX treats as ordinary atoms; they become
// upright identifiers.
var ordinary = map[string]string{
	"infty": "∞", "partial": "∂", "nabla": "∇", "top": "⊤", "bot": "⊥",
	"ell": "ℓ", "emptyset": "∅", "varnothing": "∅", "hbar": "ℏ", "prime": "′",
	"forall": "∀", "exists": "∃", "neg": "¬", "lnot": "¬",
	"%": "%", "$": "$", "#": "#", "&": "&", "_": "_",
}

// operators maps relations, binary operators, arrows and punctuation.
var operators = map[string]string{
	"le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠",
	"approx": "≈", "sim": "∼", "simeq": "≃", "equiv": "≡", "propto": "∝",
	"ll": "≪", "gg": "≫", "cdot": "⋅", "times": "×", "div": "÷", "pm": "±",
	"mp": "∓", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "circ": "∘",
	"ast": "∗", "star": "⋆", "bullet": "∙", "setminus": "∖",
	"in": "∈", "notin": "∉", "ni": "∋", "subset": "⊂", "subseteq": "⊆",
	"supset": "⊃", "supseteq": "⊇", "cup": "∪", "cap": "∩", "wedge": "∧",
	"land": "∧", "vee": "∨", "lor": "∨",
	"to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←",
	"leftrightarrow": "↔", "Rightarrow": "⇒", "Leftarrow": "⇐",
	"Leftrightarrow": "⇔", "implies": "⟹", "iff": "⟺", "mapsto": "↦",
	"longrightarrow": "⟶", "uparrow": "↑", "downarrow": "↓",
	"mid": "∣", "colon": ":", "ldots": "…", "dots": "…", "cdots": "⋯",
	"vdots": "⋮", "ddots": "⋱",
}

// bigOps maps large operators. Those with limits put their sub- and
// superscripts below and above in display style; the integrals keep them at
// the side, as TeX does.
var bigOps = map[string]struct {
	char   string
	limits bool
}{
	"sum": {"∑", true}, "prod": {"∏", true}, "coprod": {"∐", true},
	"bigcup": {"⋃", true}, "bigcap": {"⋂", true}, "bigoplus": {"⨁", true},
	"bigotimes": {"⨂", true}, "int": {"∫", false}, "iint": {"∬", false},
	"oint": {"∮", false},
}

// functions lists the named functions TeX sets upright (\log, \max). The
// value says whether subscripts go below in display style (\max_i).
var functions = map[string]bool{
	"log": false, "ln": false, "exp": false, "sin": false, "cos": false,
	"tan": false, "sinh": false, "cosh": false, "tanh": false, "arg": false,
	"deg": false, "dim": false, "ker": false,
	"max": true, "min": true, "sup": true, "inf": true, "lim": true,
	"det": true, "gcd": true, "Pr": true, "limsup": true, "liminf": true,
}

// spaces maps spacing commands to a width in em.
var spaces = map[string]string{
	",": "0.167em", ":": "0.222em", ">": "0.222em", ";": "0.278em",
	"!": "-0.167em", " ": "0.25em", "quad": "1em", "qquad": "2em",
	"thinspace": "0.167em", "enspace": "0.5em",
}

// fences maps what may follow \left and \right to its character; "." is the
// empty fence.
var fences = map[string]string{
	"(": "(", ")": ")", "[": "[", "]": "]", "|": "|", ".": "",
	`\{`: "{", `\}`: "}", `\|`: "‖", `\lbrace`: "{", `\rbrace`: "}",
	`\langle`: "⟨", `\rangle`: "⟩", `\vert`: "|", `\Vert`: "‖",
	`\lvert`: "|", `\rvert`: "|", `\lVert`: "‖", `\rVert`: "‖",
	`\lfloor`: "⌊", `\rfloor`: "⌋", `\lceil`: "⌈", `\rceil`: "⌉",
}

// smallFences maps the delimiters that may also stand alone (without \left),
// written as commands; they do not stretch.
var smallFences = map[string]string{
	"{": "{", "}": "}", "|": "‖", "lbrace": "{", "rbrace": "}",
	"langle": "⟨", "rangle": "⟩", "vert": "|", "Vert": "‖", "lvert": "|",
	"rvert": "|", "lVert": "‖", "rVert": "‖", "lfloor": "⌊", "rfloor": "⌋",
	"lceil": "⌈", "rceil": "⌉",
}

// accents maps accent commands to the mark put above the base, and whether
// the mark stretches to the base's width.
var accents = map[string]struct {
	mark    string
	stretch bool
}{
	"hat": {"^", false}, "widehat": {"^", true}, "bar": {"¯", false},
	"overline": {"―", true}, "tilde": {"~", false}, "widetilde": {"~", true},
	"vec": {"→", false}, "dot": {"˙", false}, "ddot": {"¨", false},
}

// charOps maps plain characters that become operators, when what MathML
// shows differs from what TeX reads: "-" is the minus sign, "*" an asterisk
// operator.
var charOps = map[rune]string{
	'+': "+", '-': "−", '=': "=", '<': "<", '>': ">", ',': ",", ';': ";",
	':': ":", '!': "!", '?': "?", '/': "/", '*': "∗", '.': ".", '@': "@",
	'(': "(", ')': ")", '[': "[", ']': "]", '|': "|",
}

// nonStretchy lists the characters that would stretch by default in MathML
// but never do in TeX unless written with \left and \right.
var nonStretchy = map[string]bool{
	"(": true, ")": true, "[": true, "]": true, "|": true, "{": true,
	"}": true, "‖": true, "⟨": true, "⟩": true, "⌊": true, "⌋": true,
	"⌈": true, "⌉": true, "/": true,
}
