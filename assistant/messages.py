"""Every sentence the assistant says on its own (not quoted from a policy text), in one
place so it can be reviewed, including how the renderer frames an answer on each surface.
Numbers here are service numbers, not policy numbers: the hotline, the referral sentences
and the covered topics come from assistant/data/."""
from pathlib import Path

import yaml

from calculators.registry import CALCULATORS

_DATA = Path(__file__).resolve().parent / "data"
_REFERRALS = yaml.safe_load((_DATA / "referrals.yaml").read_text(encoding="utf-8"))
_SCOPE = yaml.safe_load((_DATA / "scope.yaml").read_text(encoding="utf-8"))

HOTLINE = str(_REFERRALS["hotline"])
HOTLINE_NAME = str(_REFERRALS.get("hotline_name") or "")
HOTLINE_OFFICE = "人力资源和社会保障部门"
HOTLINE_HOURS = str(_REFERRALS.get("hotline_hours") or "")
# Numbers the assistant may say on its own (the numeric guard lets them through).
SERVICE_NUMBERS = {HOTLINE} | {str(o["phone"]) for o in _REFERRALS.get("offices") or ()}
TOPICS = "、".join(_SCOPE["topics"])
# What the calculators compute, named by their specs (a new calculator joins the greeting).
CALCULATIONS = "、".join(spec.title_zh for spec in CALCULATORS.values())


def referral(topic: str = "default") -> str:
    """What to do instead, for a question on ``topic`` we cannot answer."""
    texts = _REFERRALS["referrals"]
    return texts.get(topic, texts["default"]).format(hotline=HOTLINE)


DECLINED_LEAD = "抱歉，您问的问题不在本助手收录的政策文件范围内，我无法给出可靠答复。"
DECLINED = DECLINED_LEAD + referral()
REFUSED_EMPTY = "请输入您想咨询的问题，例如：爱心消费券每人多少钱？"
REFUSED_TOO_LONG = "问题太长了（最多 {limit} 字），请简要描述您想咨询的事项。"
ERROR = f"抱歉，系统暂时出了点问题，请稍后再试，或拨打人社服务热线 {HOTLINE}。"
CHITCHAT = (f"您好！我是民生政策助手，可以回答{TOPICS}等山西民生政策问题，"
            f"并帮您计算{CALCULATIONS}等。请直接提问。")
RESTARTED = "好的，我们重新开始。请问您想了解什么政策？"
THANKS = "不客气！还有其他政策问题，欢迎继续提问。"
FAQ_LEAD = "（以下为工作人员审核的标准答复）"
SOURCE_LEAD = "根据《{title}》（{publisher}，{date}）："
SOURCE_LEAD_MULTI = "根据《{title}》（{publisher}，{date}）等政策文件："
LABEL_LEAD = "根据{label}："                 # {label}: policydesk.citation.citation_label
LABELLED_QUOTE = "{label}：“{quote}”"
SOURCE_LINE = "——{label}"                  # under the answer line: where it is quoted from
NATIONAL_BASIS = "国家法律依据："
NEXT_STEP = "办理方式："
FOLLOW_UP_PREFIX = "为了帮您准确计算，还需要了解："
BAD_SLOT = "您提供的{label}有误：{problem}。"
ASSUMED = "以上按您{conditions}的情况计算（如不符合，请告诉我）。"
CONFIRM_PREFIX = "请确认："
THEN_ASK_PREFIX = "如需更准确的结果，请告诉我："
STATUTE_QUOTE = "依据{statute}{article}：“{text}”"
# Validity of what an answer quotes, on the day asked (assistant/steps/validity.py). The
# dates come from the document's record (staff or catalog), the words from its text.
VALIDITY_ENDED = "【已结束】{what}已于{until}结束，以下为当时的规定，不代表现行政策{note}。"
VALIDITY_ENDED_QUOTE = "【已结束】{what}已结束（原文：“{quote}”），以下为当时的规定，不代表现行政策{note}。"
VALIDITY_NOT_STARTED = "【尚未施行】{what}自{start}起施行，以下规定目前尚未生效{note}。"
VALIDITY_WHAT_DOC = "《{title}》所述措施"
VALIDITY_WHAT_MEASURE = "《{title}》中的“{label}”"
VALIDITY_NOTE = "（{note}）"
SOURCE_RETIRED = ("抱歉，这个问题所依据的政策文件已被撤下，正在复核中，暂时无法给出答复。"
                  f"如需咨询，请拨打人社服务热线 {HOTLINE}。")

# How the renderer frames an answer on the surfaces.
WECHAT_SOURCES = "依据："
WECHAT_MORE = "（内容较长，已节选）"
REPLY_SOURCES = "依据："
REPLY_HOTLINE = f"如需进一步咨询，请拨打{HOTLINE}人社服务热线。"

# How surfaces label the parts of an answer on a screen (assistant/render.py).
SOURCES_TITLE = "依据（点按查看出处）"
OPEN_DOCUMENT = "查看原文全文"
SHOW_MORE = "展开"
CALL = "拨打{name} {phone}"
