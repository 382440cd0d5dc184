-- Runs string.find, match, gmatch and gsub of stock Lua and of postlint's step-counted
-- patterns (the table `mine`) on the same arguments, and reports every difference in
-- results or error messages. Called by test_pattern.c with (mine, random_cases).
local mine, random_cases = ...
local stock = string
local cases, failures = 0, 0

local function pack(...) return { n = select("#", ...), ... } end

-- error messages name the function through package.loaded ("string.find" / "mine.find")
local function normalize(v)
	if type(v) == "string" then return (stock.gsub(v, "'[%w]+%.(%w+)'", "'%1'")) end
	return v
end

local function same(a, b)
	if a.n ~= b.n then return false end
	for i = 1, a.n do
		local x, y = normalize(a[i]), normalize(b[i])
		if x ~= y or math.type(x) ~= math.type(y) then return false end
	end
	return true
end

local function show(t)
	local out = {}
	for i = 1, t.n do
		local v = t[i]
		local literal = type(v) == "string" or type(v) == "number" or type(v) == "boolean" or v == nil
		out[i] = literal and stock.format("%q", v) or tostring(v)
	end
	return "(" .. table.concat(out, ", ") .. ")"
end

local function compare(what, f_stock, f_mine, ...)
	cases = cases + 1
	local a = pack(pcall(f_stock, ...))
	local b = pack(pcall(f_mine, ...))
	if not same(a, b) then
		failures = failures + 1
		if failures <= 25 then
			print(stock.format("# %s%s: stock %s, mine %s", what, show(pack(...)), show(a), show(b)))
		end
	end
end

local function collect(lib)
	return function(s, p, init)
		local out = {}
		for a, b, c in lib.gmatch(s, p, init) do
			out[#out + 1] = tostring(a) .. "|" .. tostring(b) .. "|" .. tostring(c)
			if #out > 200 then break end
		end
		return table.concat(out, ",")
	end
end
local gm_stock, gm_mine = collect(stock), collect(mine)

local replacements = {
	"<%0>", "%1-%1", "%%", "[%2]", "%", "%x", 7,
	{ a = "A", ab = false, b = 1.5, ["1"] = {} },
	function(a, b) return b and (tostring(a) .. "/" .. tostring(b)) or nil end,
	function(a) if a == "b" then return {} end return a and #tostring(a) end,
}

local function all(s, p, init)
	compare("find", stock.find, mine.find, s, p, init)
	compare("find-plain", stock.find, mine.find, s, p, init, true)
	compare("match", stock.match, mine.match, s, p, init)
	compare("gmatch", gm_stock, gm_mine, s, p, init)
	for _, r in ipairs(replacements) do
		compare("gsub", stock.gsub, mine.gsub, s, p, r)
	end
	compare("gsub-n", stock.gsub, mine.gsub, s, p, "#", init)
end

local fixed = {
	{ "hello world", "o" }, { "hello world", "o w" }, { "hello", "l+" }, { "hello", "l*" },
	{ "hello", "l-" }, { "hello", "l?" }, { "hello", "^h" }, { "hello", "^e" },
	{ "hello", "o$" }, { "hello", "l$" }, { "a$b", "$b" }, { "a$b", "a$" }, { "", "" },
	{ "", "a*" }, { "abc", "" }, { "abc", "()" }, { "abc", "()a()" }, { "abc", "^" },
	{ "key = value", "(%w+)%s*=%s*(%w+)" }, { "THE (quick) fox", "%((%a+)%)" },
	{ "f(a(b)c)d", "%b()" }, { "[[x]]", "%b[]" }, { "(((", "%b()" }, { "THE (quick) fox", "%f[%a]%a+" },
	{ "hello", "%f[%l]" }, { "hello", "%f[%z]" }, { "aaa", "a-b" },
	{ "x = 'a' .. \"b\"", "(['\"])(.-)%1" }, { "abcabc", "(abc)%1" }, { "abc", "%1" },
	{ "abc", "(a)%2" }, { "abc", "(a%1)" }, { "abc", "%0" }, { "abc", "%" }, { "abc", "[a" },
	{ "abc", "[]" }, { "]", "[]]" }, { "a-b", "[a-]" }, { "a-b", "[%a-]+" },
	{ "^a", "[%^a]+" }, { "abc", "[^a]+" }, { "abc]", "[^]a]+" }, { "x", "%fx" }, { "x", "%f" },
	{ "abc", "%b" }, { "abc", "%ba" }, { "abc", "(()" }, { "abc", "a)" }, { "abc", "(a" },
	{ "a", stock.rep("(", 33) .. "a" .. stock.rep(")", 33) },
	{ "a", stock.rep("(", 32) .. "a" .. stock.rep(")", 32) },
	{ "hello world from lua", "%s*(%S+)" }, { "1.5e10 0x1F", "%x+" }, { "a\0b\0", "%z" },
	{ "a\0b\0c", "\0" }, { "a\0b\0c", "b%z" }, { "a\0b", "[%z]" }, { "a\0b", "[\0]" },
	{ "a.b", "%." }, { "a.b", "." }, { "ä é", "[\128-\255]+" }, { "AbC", "%u%l%u" },
	{ "a b\tc\n", "%s" }, { "a,b;c", "%p" }, { "abc", "%W" }, { "x1_y2", "[%w_]+" }, { "a\1b", "%c" },
	{ "a\1b", "%C+" }, { "a b", "%g+" }, { "a b", "%G" }, { "ab12", "%D+" }, { "ab12", "%L+" },
	{ "AB12", "%U+" }, { "x y", "%S+" }, { "x y", "%A" }, { "x y", "%P+" }, { "ff zz", "%X+" },
	{ "zz", "[z-a]" }, { "b", "[a-c-e]" }, { "-", "[a-c-e]" }, { "d", "[a-c-e]" },
	{ "today is 2024-05-06", "(%d+)-(%d+)-(%d+)" }, { "  trim  ", "^%s*(.-)%s*$" },
	{ "one two  three", "()(%a+)()" }, { "aaa", "a-" }, { "aaa", "a-$" }, { "aaab", "a*b" },
	{ "b", "a+b" }, { "#tag and #another", "#(%w+)" }, { "x", "[%" }, { "x", "[%]" },
	{ "%", "[%%]" }, { "abc", "[a-]" }, { "abc", "[-c]" }, { "a]", "[]a]+" },
	{ stock.rep("a", 300), stock.rep("a?", 300) .. stock.rep("a", 300) },
	{ stock.rep("a", 12), stock.rep("a?", 12) .. stock.rep("a", 12) },
	{ stock.rep("ab", 60), stock.rep("(a)(b)", 3) },
}
-- long subjects: the first-byte filter of unanchored searches
local prose = stock.rep("Save on every plan: just $12/mo or 40% off yearly (ends soon). ", 3)
for _, p in ipairs({ "%$%s?%d[%d,%.]*", "%f[%d]%d+%s?%%%s?off", "/mo%f[%W]", "per month",
	"(%d+)%%", "()%d", "%b()", "%f[%a]%a+", "[%$%%]", "x*", "s?ave", "%s-e", "$", "^Save",
	"(s)(a)", "(()o)", "%d%d", "[^%a ]+", ".", "", "%1", "y", "%(", "e$" }) do
	all(prose, p)
	all(prose, p, 40)
	all(prose, p, -20)
end
for _, c in ipairs(fixed) do all(c[1], c[2]) end
for _, init in ipairs({ -100, -3, -1, 0, 1, 2, 3, 5, 6, 7, 100, math.mininteger, math.maxinteger }) do
	all("hello", "l", init)
	all("hello", "", init)
	all("hello", "^l", init)
	all("hello", "()", init)
end

-- random patterns over a small alphabet, so that they match often and nest captures
local atoms = { "a", "b", ".", "%a", "%d", "[ab]", "[^a]", "[a-c]", "%b()", "%f[a]", "(", ")",
	"%1", "()", "%", "[", "]", "$", "^", "x", "%(", "1", "-" }
local quantifiers = { "", "", "", "*", "+", "-", "?" }
local letters = { "a", "b", "c", "(", ")", "1", "x", " ", "-", "%", "]" }
math.randomseed(8)
for _ = 1, random_cases do
	local p = {}
	for i = 1, math.random(1, 6) do
		p[i] = atoms[math.random(#atoms)] .. quantifiers[math.random(#quantifiers)]
	end
	local s = {}
	-- a third of the subjects are long enough for the search to skip positions where the
	-- pattern's first item cannot match (pattern.c's first_filter)
	local len = math.random(1, 3) == 1 and math.random(48, 150) or math.random(0, 10)
	for i = 1, len do s[i] = letters[math.random(#letters)] end
	local init = math.random(1, 4) == 1 and math.random(-12, 12) or nil
	all(table.concat(s), table.concat(p), init)
end
return cases, failures
