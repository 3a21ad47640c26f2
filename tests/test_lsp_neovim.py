"""End to end with a real editor: headless Neovim starts `putlint lsp`, opens the broken Konnect
spec and receives its diagnostics through its built-in LSP client (Debian's neovim 0.7 and
later: `vim.lsp.start_client`, the API every version since has kept)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SPECS = Path(__file__).resolve().parent.parent / "specs"

INIT_LUA = r"""
local client_id = vim.lsp.start_client({
  name = "putlint",
  cmd = vim.split(os.getenv("PUTLINT_NVIM_CMD"), "\t"),
  root_dir = vim.fn.getcwd(),
})
vim.api.nvim_create_autocmd("FileType", {
  pattern = { "yaml", "json" },
  callback = function(args) vim.lsp.buf_attach_client(args.buf, client_id) end,
})
-- wait for diagnostics (30 s at most), write them to a file, quit
local deadline = vim.loop.now() + 30000
local timer = vim.loop.new_timer()
timer:start(200, 200, vim.schedule_wrap(function()
  local found = vim.diagnostic.get(0)
  if #found > 0 or vim.loop.now() > deadline then
    timer:stop()
    local lines = {}
    for _, d in ipairs(found) do
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      table.insert(lines, string.format("%d:%d:%s:%s", d.lnum + 1, d.col + 1, tostring(code),
                                        (d.message:gsub("\n.*", ""))))
    end
    vim.fn.writefile(lines, os.getenv("PUTLINT_NVIM_OUT"))
    vim.cmd("qa!")
  end
end))
"""


def test_neovim_receives_the_diagnostics(tmp_path: Path) -> None:
    nvim = shutil.which("nvim")
    if nvim is None:
        if os.environ.get("CI"):
            pytest.fail("nvim is not installed; .ci/run installs Debian's neovim")
        pytest.skip("nvim is not installed (apt-get install neovim)")
    shutil.copytree(SPECS, tmp_path / "specs")
    (tmp_path / "init.lua").write_text(INIT_LUA)
    out = tmp_path / "diagnostics.txt"
    env = {**os.environ, "PUTLINT_NVIM_OUT": str(out),
           "PUTLINT_NVIM_CMD": "\t".join([sys.executable, "-m", "linter.cli", "lsp"])}
    subprocess.run([nvim, "--headless", "--clean", "-u", str(tmp_path / "init.lua"),
                    "specs/konnect-certificates-2025-11-06.yaml"], cwd=tmp_path, env=env,
                   timeout=90, check=True, stdin=subprocess.DEVNULL, capture_output=True)
    lines = out.read_text().splitlines()
    snis_line = next(i for i, line in enumerate(
        (SPECS / "konnect-certificates-2025-11-06.yaml").read_text().splitlines(), 1)
        if line.strip().startswith("snis:"))
    assert f"{snis_line}:9:PUT001:the API purges the stored 'snis' when it is omitted, and " \
           "the body may leave it out" in lines
    assert {line.split(":")[2] for line in lines} == {"PUT001", "PUT002", "PUT003"}
