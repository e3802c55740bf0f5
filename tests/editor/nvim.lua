-- A real editor session against `atomdoc lsp`: Neovim's built-in LSP client, headless.
-- Run by tests/cli/editor.rs as `nvim --headless -u NONE -i NONE -n -c 'luafile nvim.lua'`
-- with ATOMDOC_BIN, ATOMDOC_ROOT (a copy of examples/sample), ATOMDOC_OUT (the JSON report).
-- Works with Neovim 0.7 (Debian's) and later: vim.lsp.start_client + buf_attach_client.

local bin, root, out = os.getenv("ATOMDOC_BIN"), os.getenv("ATOMDOC_ROOT"), os.getenv("ATOMDOC_OUT")
local report = { steps = {} }

local function finish()
  local f = io.open(out, "w")
  f:write(vim.fn.json_encode(report))
  f:close()
  vim.cmd("qall!")
end

local ok, err = pcall(function()
  local file = root .. "/docs/atomic/integrations/redis/caching-patterns.md"
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({ name = "atomdoc", cmd = { bin, "lsp" }, root_dir = root })
  report.client_started = id ~= nil
  vim.lsp.buf_attach_client(buf, id)

  -- 1. Diagnostics arrive by themselves.
  vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  report.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code
    if code == nil and d.user_data and d.user_data.lsp then code = d.user_data.lsp.code end
    table.insert(report.diagnostics, { code = code, lnum = d.lnum, col = d.col, severity = d.severity, message = d.message })
  end
  table.insert(report.steps, "diagnostics")

  -- 2. Go to definition on `[namespace layout](key-naming.md#namespace-layout)` (line 5).
  local line5 = vim.api.nvim_buf_get_lines(buf, 4, 5, false)[1]
  local col = string.find(line5, "namespace layout", 1, true)
  vim.api.nvim_win_set_cursor(0, { 5, col })
  vim.lsp.buf.definition()
  vim.wait(30000, function() return vim.api.nvim_get_current_buf() ~= buf end, 50)
  report.definition = {
    file = vim.api.nvim_buf_get_name(0),
    line = vim.api.nvim_win_get_cursor(0)[1],
    text = vim.api.nvim_get_current_line(),
  }
  table.insert(report.steps, "definition")

  -- 3. Complete a `docs/` path in the Related Documents list (typed into the buffer, so the
  --    client sends the change first).
  vim.api.nvim_set_current_buf(buf)
  local last = vim.api.nvim_buf_line_count(buf)
  local typed = "- `docs/atomic/integrations/redis/co"
  vim.api.nvim_buf_set_lines(buf, last, last, false, { typed })
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = last, character = #typed },
  }
  local answers = vim.lsp.buf_request_sync(buf, "textDocument/completion", params, 30000)
  report.completion = {}
  for _, answer in pairs(answers or {}) do
    local items = answer.result and (answer.result.items or answer.result) or {}
    for _, item in ipairs(items) do
      table.insert(report.completion, {
        label = item.label,
        insert = item.textEdit and item.textEdit.newText or item.insertText,
      })
    end
  end
  table.insert(report.steps, "completion")
  vim.lsp.stop_client(id)
end)

if not ok then report.error = tostring(err) end
finish()
