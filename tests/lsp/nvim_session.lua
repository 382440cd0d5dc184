-- Driven by test_nvim.py in headless Neovim (0.7 API): open a draft, start `postlint lsp`
-- with the built-in client, wait for diagnostics, apply code actions through
-- vim.lsp.buf.code_action (the user's path, with vim.ui.select answered by title), and
-- write what happened as JSON for the test to assert.
local out = { steps = {} }
local result_path = vim.env.POSTLINT_RESULT

local function finish(err)
  out.error = err
  vim.fn.writefile({ vim.fn.json_encode(out) }, result_path)
  vim.cmd('qa!')
end

local function snapshot(bufnr)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(list, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      code = d.code, severity = d.severity, source = d.source, message = d.message })
  end
  return list
end

local function find(bufnr, code)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == code then return d end
  end
end

-- Picks the code action whose title matches pattern; records every title offered.
local function apply_action(bufnr, code, pattern)
  local d = find(bufnr, code)
  if not d then return false, 'no ' .. code .. ' diagnostic' end
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  local chosen, offered = nil, {}
  vim.ui.select = function(items, _, on_choice)
    for i, item in ipairs(items) do
      table.insert(offered, item[2].title)
      if not chosen and item[2].title:match(pattern) then chosen = i end
    end
    on_choice(chosen and items[chosen] or nil, chosen)
  end
  vim.lsp.buf.code_action()
  if not vim.wait(10000, function() return chosen ~= nil or #offered > 0 end, 20) then
    return false, 'no code actions arrived'
  end
  table.insert(out.steps, { code = code, offered = offered, chosen = chosen ~= nil })
  if not chosen then return false, 'no action matching ' .. pattern end
  if not vim.wait(10000, function() return find(bufnr, code) == nil end, 20) then
    return false, code .. ' still reported after the action'
  end
  return true
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.POSTLINT_POST))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'postlint',
    cmd = { vim.env.POSTLINT_BIN, 'lsp' },
    root_dir = vim.env.POSTLINT_ROOT,
    flags = { debounce_text_changes = 10 },
  })
  if not client_id then return finish('the client did not start') end
  vim.lsp.buf_attach_client(bufnr, client_id)
  if not vim.wait(15000, function() return #vim.diagnostic.get(bufnr) > 0 end, 20) then
    return finish('no diagnostics arrived')
  end
  out.before = snapshot(bufnr)
  local good, why = apply_action(bufnr, 'no-synergy', '^Fix:')
  if not good then return finish(why) end
  good, why = apply_action(bufnr, 'invite-conversation', '^Disable invite%-conversation')
  if not good then return finish(why) end
  out.after = snapshot(bufnr)
  out.lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local client = vim.lsp.get_client_by_id(client_id)
  out.offset_encoding = client.offset_encoding
  client.stop()
  vim.wait(5000, function() return client.is_stopped() end, 20)
  out.stopped = client.is_stopped()
  finish(nil)
end)
if not ok then finish('lua error: ' .. tostring(err)) end
