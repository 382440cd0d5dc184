-- Golden rules 4 and 5 (seed 004): "decide what outcomes you want from the outset", and
-- "measure outcomes that relate to the engagement as opposed to just likes, follows, and
-- retweets".
local words = require("lib.words")
local edit = require("lib.edit")

-- Where the front matter's "goal:" value is: first and last offsets of the value text.
local function goal_value_range(post)
  local fm = post.front_matter
  if not fm then
    return nil
  end
  local text = post.text
  local pos = fm.first
  while pos <= fm.last do
    if text:sub(pos, pos + 3) ~= "goal" then
      -- only a line that starts with "goal" can hold the key: on to the next such line
      local nl = text:find("\ngoal", pos, true)
      if not nl then
        return nil
      end
      pos = nl + 1
      if pos > fm.last then
        return nil
      end
    end
    local eol = text:find("\n", pos, true) or (fm.last + 1)
    local line = text:sub(pos, math.min(eol - 1, pos + 1024))
    local value_start = line:match("^goal%s*:%s*()")
    if value_start then
      -- the value ends before a comment ("#" and what follows) and the spaces before it
      -- (found by plain searches: gsub would try its pattern at every offset)
      local value_end = (line:find("#", value_start, true) or #line + 1) - 1
      local b = line:byte(value_end)
      while value_end >= value_start and (b == 32 or (b >= 9 and b <= 13)) do -- (%s)
        value_end = value_end - 1
        b = line:byte(value_end)
      end
      if value_end >= value_start then
        local first = pos + value_start - 1
        return first, pos + value_end - 1
      end
      return nil
    end
    pos = eol + 1
  end
  return nil
end

-- Sets by language and extra list (the options' table: the same for every post of a config).
local vanity_sets = setmetatable({}, { __mode = "k" })

local function vanity_words(post, extra)
  local by_lang = vanity_sets[extra]
  if not by_lang then
    by_lang = {}
    vanity_sets[extra] = by_lang
  end
  local key = post.lang or ""
  if by_lang[key] then
    return by_lang[key]
  end
  local set = {}
  by_lang[key] = set
  for _, lang in ipairs({ "en", post.lang }) do
    local W = lang and words(lang)
    if W then
      for _, v in ipairs(W.data.vanity) do
        set[lint.fold(v)] = true
      end
    end
  end
  for _, v in ipairs(extra) do
    set[lint.fold(v)] = true
  end
  return set
end

-- The vanity word of a goal (a word of it in the set, or the whole goal folded), or nil.
-- Known per set and goal: a team's posts repeat a few goals, and the words of each were made
-- again for every post.
local verdicts = setmetatable({}, { __mode = "k" }) -- set -> { of = { [goal] = word or false }, n }
local KNOWN_MAX = 10000 -- goals remembered per set (then forgotten, and learnt again)

local function vanity_in(vanity, goal)
  local known = verdicts[vanity]
  if not known or known.n == KNOWN_MAX then
    known = { of = {}, n = 0 }
    verdicts[vanity] = known
  end
  local found = known.of[goal]
  if found == nil then
    found = false
    for _, w in ipairs(lint.words(goal)) do
      if vanity[w] then
        found = w
        break
      end
    end
    if not found and vanity[lint.fold(goal)] then
      found = goal
    end
    known.of[goal] = found
    known.n = known.n + 1
  end
  return found or nil
end

return {
  id = "declare-goal",
  summary = "Decide the outcome first: every post states a goal that is not a vanity count",
  docs = [[
"Decide what outcomes you want from your social media activities from the outset", and
"measure outcomes that relate specifically to the engagement as opposed to just likes, follows,
and retweets."

Every post declares in its front matter what it is for, before it is written:

    ---
    platform: linkedin
    goal: feedback on the pricing page draft
    ---

The rule reports a post without `goal:`, and a goal that is a vanity count (likes, follows,
followers, retweets, impressions, views, reach, "go viral"): suggest an engagement outcome
instead - replies, feedback, a conversation, sign-ups from people who asked. Extra vanity words
go in the `vanity` option; `suggested` is the goal the suggestions propose.]],
  severity = "warning",
  options = { vanity = {}, suggested = "replies" },

  check = function(post, ctx)
    local goal = post.meta.goal
    if goal == nil then
      local first, last, insertion
      local bom = post.text:sub(1, 3) == "\239\187\191" and 3 or 0
      local fm = post.front_matter
      if fm then
        -- add the key as the first line of the front matter, with the file's line ending
        local eol = post.text:sub(fm.first - 2, fm.first - 1) == "\r\n" and "\r\n" or "\n"
        first, last = bom + 1, bom + 3 -- the opening "---"
        insertion = edit.insert(fm.first, "goal: " .. ctx.options.suggested .. eol)
      else
        first, last = edit.first_line(post)
        local eol = post.text:find("\r\n", 1, true) and "\r\n" or "\n"
        insertion = edit.insert(bom + 1, "---" .. eol .. "goal: " .. ctx.options.suggested .. eol
          .. "---" .. eol)
      end
      ctx:report{
        message = "No goal: decide the outcome before writing and state it as 'goal:' in the front matter",
        first = first, last = last,
        suggestions = { { title = "Declare the outcome you want", edits = { insertion } } },
      }
      return
    end
    local goals = type(goal) == "table" and goal or { goal }
    local vanity = vanity_words(post, ctx.options.vanity)
    for _, g in ipairs(goals) do
      local found
      if type(g) == "string" or type(g) == "number" then
        found = vanity_in(vanity, tostring(g))
      end
      if found then
        local first, last = goal_value_range(post)
        local suggestions = {}
        if first then
          suggestions[1] = { title = "Aim for engagement, not a vanity count",
            edits = { { first = first, last = last, text = ctx.options.suggested } } }
        else
          suggestions[1] = { title = "Aim for engagement (replies, feedback, a conversation) instead" }
        end
        ctx:report{
          message = "The goal '" .. tostring(g) .. "' is a vanity count (" .. found
            .. "): measure engagement such as replies or feedback",
          first = first or 1, last = last or 0,
          suggestions = suggestions,
        }
        return
      end
    end
  end,

  tests = {
    valid = {
      "---\nplatform: x\ngoal: replies from people who tried the beta\n---\nHello.",
      "---\ngoal: [feedback, conversation]\n---\nHello.",
      { text = "---\nlang: es\ngoal: conversación con clientes\n---\nHola.", options = { vanity = {} } },
      -- not a vanity word here, though it is one where the options say so (below)
      "---\ngoal: signups\n---\nHello.",
    },
    invalid = {
      { text = "---\nplatform: x\n---\nOur launch post.",
        errors = { { message = "^No goal", line = 1, column = 1 } } },
      { text = "Just a draft without front matter.", errors = 1 },
      { text = "---\ngoal: more likes\n---\nHello.",
        errors = { { message = "vanity count %(likes%)", line = 2, column = 7 } } },
      { text = "---\ngoal: go viral # fingers crossed\n---\nHello.", errors = 1 },
      -- the value's range stops before the comment and the blanks before it
      { text = "---\r\ngoal:  go viral \t# fingers crossed\r\n---\r\nHello.",
        errors = { { line = 2, column = 8, suggestions = { { output =
          "---\r\ngoal:  replies \t# fingers crossed\r\n---\r\nHello." } } } } },
      { text = "---\ngoal: more likes\t\r\n---\nHello.",
        errors = { { suggestions = { { output = "---\ngoal: replies\t\r\n---\nHello." } } } } },
      -- the value is found on a later line, past another key that starts with "goal"
      { text = "---\r\ngoals_seen: 3\r\nplatform: x\r\ngoal: more likes\r\n---\r\nHello.",
        errors = { { message = "vanity count %(likes%)", line = 4, column = 7 } } },
      { text = "---\ngoal: signups\n---\nHello.", options = { vanity = { "signups" } }, errors = 1 },
      -- a byte order mark and CRLF line ends do not confuse it
      { text = "\239\187\191What do you think?", errors = { { message = "^No goal", line = 1, column = 1 } } },
      { text = "\239\187\191---\r\nplatform: x\r\n---\r\nHello.\r\n", errors = 1 },
    },
  },
}
