"""What the command line says when something other than a tongcheng error stops a command.

The library raises :class:`~tongcheng._errors.TongchengError` for everything it checks.
What is left are failures of the machine and the environment — a file that cannot be
read or written, a full disk, a name too long for the file system, a store that is busy
or broken, memory exhausted, Ctrl-C — and bugs. Each gets a message in the command's
language naming what failed; a bug is reported as one, with its traceback kept in a log
file instead of being printed.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import tempfile
import traceback
import zipfile
from pathlib import Path

from .._text import Text

__all__ = ["BUG_MARKER", "describe_failure"]

BUG_MARKER = "tongcheng-bug"
"""Appears in the message of an unexpected error (tests look for it)."""

_OS_ERRORS: dict[int, Text] = {
    errno.ENOSPC: Text("磁盘已满,无法写入 {path};请腾出空间后重试(未写入任何数据)",
                       "the disk is full, {path} cannot be written; free some space and try "
                       "again (nothing was written)"),
    errno.EDQUOT: Text("磁盘配额已用完,无法写入 {path};请腾出空间后重试",
                       "the disk quota is used up, {path} cannot be written; free some space "
                       "and try again"),
    errno.EACCES: Text("没有权限访问 {path};请检查文件和项目目录的权限,或换一个目录",
                       "no permission to access {path}; check the permissions of the file "
                       "and the project folder, or use another folder"),
    errno.EPERM: Text("操作系统不允许访问 {path};请检查权限",
                      "the operating system does not allow access to {path}; check its "
                      "permissions"),
    errno.EROFS: Text("{path} 位于只读文件系统上;请把项目放到可写的目录",
                      "{path} is on a read-only file system; put the project in a writable "
                      "folder"),
    errno.ENAMETOOLONG: Text("文件名过长: {path};请改用较短的文件名",
                             "file name too long: {path}; rename the file to something shorter"),
    errno.ENOENT: Text("找不到 {path};请检查路径",
                       "{path} does not exist; check the path"),
    errno.EISDIR: Text("{path} 是目录,不是文件", "{path} is a folder, not a file"),
    errno.ENOTDIR: Text("{path} 的上级不是目录;请检查路径",
                        "a parent of {path} is not a folder; check the path"),
    errno.EIO: Text("读写 {path} 时发生输入输出错误(磁盘或网络盘故障?)",
                    "input/output error on {path} (a failing disk or network drive?)"),
}


def describe_failure(exc: BaseException, *, lang: str) -> tuple[str, int]:
    """Return the message for a failure that is not a tongcheng error, and the exit status.

    Parameters
    ----------
    exc
        What stopped the command.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    tuple of (str, int)
        The message in ``lang`` and the exit status (1 for the environment, 130 after
        Ctrl-C, 70 for a bug).
    """
    if isinstance(exc, KeyboardInterrupt):
        return Text("已中断;每次写入都是一个事务,已完成的保持不变,未完成的未写入",
                    "interrupted; every write is one transaction: what finished is kept, "
                    "what did not was not written").render(lang), 130
    known = _environment_failure(exc)
    if known is not None:
        return known.render(lang), 1
    log = _write_bug_log(exc)
    return Text(
        "内部错误({marker}): {kind}。这是 tongcheng 的缺陷,不是您的错;已存数据未受影响。"
        "详细信息已写入 {log},请附上此文件报告问题。",
        "internal error ({marker}): {kind}. This is a bug in tongcheng, not your mistake; "
        "stored data is unaffected. The details are in {log}; please attach it to a report.",
    ).format(marker=BUG_MARKER, kind=type(exc).__name__, log=log).render(lang), 70


def _environment_failure(exc: BaseException) -> Text | None:
    """Describe a failure of the machine or the store (``None``: not one, a bug)."""
    if isinstance(exc, MemoryError):
        return Text("内存不足:文件过大或计算规模过大;请拆分文件,或在内存更大的机器上运行",
                    "out of memory: the file or the computation is too large; split the "
                    "file or run on a machine with more memory")
    if isinstance(exc, OSError) and exc.errno in _OS_ERRORS:
        return _OS_ERRORS[exc.errno].format(path=exc.filename or exc.filename2 or "?")
    if isinstance(exc, zipfile.BadZipFile | zipfile.LargeZipFile):
        return Text("压缩文件已损坏或不是 zip 文件: {why}",
                    "a compressed file is corrupt or not a zip file: {why}").format(why=str(exc))
    store = _store_failure(exc)
    if store is not None:
        return store
    if isinstance(exc, OSError):
        return Text("读写 {path} 失败: {why}", "reading or writing {path} failed: {why}").format(
            path=exc.filename or "?", why=exc.strerror or str(exc))
    return None


def _store_failure(exc: BaseException) -> Text | None:
    """Describe a database failure the store did not wrap (``None``: not one): the store's words."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..store.db import database_failure

    if not isinstance(exc, SQLAlchemyError):
        return None
    error = database_failure(exc, Text("该命令", "the command"))
    return error.text or Text(str(error), str(error))


def _write_bug_log(exc: BaseException) -> str:
    """Write the traceback to a log file and return its path."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    text = "".join(traceback.format_exception(exc))
    for folder in (Path(tempfile.gettempdir()), Path.cwd()):
        try:
            path = folder / f"tongcheng-error-{stamp}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8")
            return str(path)
        except OSError:
            continue
    return "(no log could be written)"
