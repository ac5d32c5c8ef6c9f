"""Every sentence the portal shows, in one place, so it can be reviewed and translated."""
from __future__ import annotations

from assistant.messages import HOTLINE, TOPICS

APP_TITLE = "民生政策助手"

PAGE_CHAT = "政策问答"
PAGE_CALCULATORS = "政策计算器"
PAGE_STAFF = "热线工作台"
PAGE_DOCUMENT = "政策原文"
NAV_LABEL = "页面导航"

# Chinese names for Streamlit's own controls (read by screen readers and shown as tips).
CONTROL_NAMES_ZH = {
    "Send message": "发送问题",
    "Expand sidebar": "展开侧栏",
    "Collapse sidebar": "收起侧栏",
    "Sidebar": "侧栏",
    "App pages": "页面导航",
    "Link to heading": "本节链接",
    "Open": "展开选项",
    "Close": "关闭",
    "Clear all": "全部清除",
    "Clear value": "清除",
    "Increment": "增加",
    "Decrement": "减少",
    "Show password text": "显示密码",
    "Hide password text": "隐藏密码",
    "Copy to clipboard": "复制",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Download as CSV": "下载 CSV",
    "Search": "搜索",
    "Main menu": "主菜单",
    "Thumbs up": "有用",
    "Thumbs down": "没用",
    "Positive feedback": "有用",
    "Negative feedback": "没用",
}

# -- shared -------------------------------------------------------------------------------
LOADING = "正在加载政策索引，请稍候…"
INTERNAL_ERROR = f"抱歉，系统出了点问题，这次没能回答。请稍后再试，或拨打{HOTLINE}人社服务热线。"

# -- chat ---------------------------------------------------------------------------------
CHAT_TITLE = "民生政策助手"
CHAT_INTRO = f"您好！我可以回答山西省{TOPICS}等政策问题。"
SCOPE_NOTICE = ("回答只来自下列政策原文，每条回答都会列出所依据的原句；"
                f"下列文本没有写到的问题，请拨打 **{HOTLINE}** 人社服务热线咨询。")
SCOPE_LIST_TITLE = "本助手依据的政策文本（{n} 篇）"
SCOPE_ITEM = "《{title}》　{publisher}　{date}"
SCOPE_NONE = "政策文本尚未载入。"
STARTERS_TITLE = "可以这样问："
CHAT_PLACEHOLDER = "请输入您的问题"
THINKING = "正在查找政策原文…"
FAQ_BADGE = ":material/verified: 本答复为工作人员审核的标准口径"
DECLINED_BADGE = ":material/info: 现有政策文本没有涉及这个问题"
CITATIONS_TITLE = "依据（点击展开原文）"
DOC_TITLE = "政策原文"
DOC_NOT_FOUND = "没有找到这份文件，它可能已被停用或链接有误。"
DOC_NOTE = "浅蓝底色是回答引用的条文或段落，黄色是引用的原句。本页是收录时整理过的文本，以发布机关的正式文本为准。"
DOC_NOTE_PLAIN = "本页是收录时整理过的文本，以发布机关的正式文本为准。"
CITATION_LABEL = "[{n}] {label}：{quote}"
CITATION_META = "**{title}**　{publisher}　{date}"
STATUTE_LABEL = "[{n}] {label}"
STATUTE_META = "**{label}**（国家法律法规，本助手文本库之外）"
PARAGRAPH_CAPTION = "原文段落（黄色为引用的句子）："
FEEDBACK_PROMPT = "这个回答有帮助吗？"
FEEDBACK_THANKS_UP = "谢谢您的评价！"
FEEDBACK_THANKS_DOWN = "谢谢您的反馈，工作人员会查看并改进。"
FEEDBACK_COMMENT = "还想告诉我们什么？（可选）"
FEEDBACK_COMMENT_SEND = "发送意见"
FEEDBACK_COMMENT_THANKS = "意见已收到。"
FEEDBACK_FAILED = "评价没有保存成功：{error}"
CLEAR_CHAT = "新对话"
SUGGESTIONS_TITLE = "您还可以问："
HUMAN_TITLE = "转人工"
HUMAN_TEXT = "想找工作人员？请拨打 {phone} {name}（{hours}）。"
CALC_LINK = "需要算金额、日期？试试政策计算器"

# -- calculators --------------------------------------------------------------------------
CALC_TITLE = "政策计算器"
CALC_INTRO = "填写下列信息，按政策规定计算。每一步都列出所依据的条文。"
CALC_PICK = "选择计算器"
CALC_SUBMIT = "计算"
CALC_REQUIRED = "（必填）"
CALC_DATE_HELP = "日期格式：2023-08-31"
CALC_NUMBER_PLACEHOLDER = "填写数字"
CALC_BOOL_YES = "是"
CALC_BOOL_NO = "否"
CALC_BOOL_UNKNOWN = "不确定"
CALC_CHOICE_NONE = "请选择"
CALC_DATE_TODAY = "不填则按今天"
CALC_RANGE = "可填范围：{range}"
CALC_ITEM = "项目"
CALC_VALUE = "结果"
CALC_ERROR_FIELD = "「{label}」：{message}"
CALC_RESULT = "计算结果"
CALC_TRACE = "计算过程（每一步所依据的规定）"
CALC_CITATIONS = "依据"
CALC_EMPTY = "暂无可用的计算器。"
STEP_REFERENCE = "依据：{ref}"

# The result keys of each calculator are labelled by its spec (``spec.results``).
RESULT_LIST_LABELS = {
    "reasons": "原因",
    "programs": "可能适用的政策",
    "possible": "可能适用（需进一步确认）",
    "notes": "提示",
    "history": "历次发放",
}
RESULT_ITEM_LABELS = {
    "why": "原因",
    "date": "日期",
    "amount_yuan": "金额（元）",
    "kind": "类别",
}
RESULT_VALUES = {
    True: "是",
    False: "否",
    None: "—",
    "not_started": "尚未开始",
    "issuing": "正在发放",
    "ended": "已结束",
}

# -- staff console ------------------------------------------------------------------------
STAFF_TITLE = "热线工作台"
STAFF_DISABLED = ("工作台未启用：还没有工作人员账号。\n\n"
                  "请管理员在服务器上为每位工作人员建立账号：`policydesk staff add 用户名`"
                  "（按提示输入两次密码，至少 10 个字符），然后刷新本页。")
STAFF_USERNAME = "用户名"
STAFF_PASSWORD = "密码"
STAFF_LOGIN = "登录"
STAFF_LOGOUT = "退出登录"
STAFF_SIGNED_IN = "当前用户：{name}"
STAFF_PAGE_TITLE = "热线工作台 · 民生政策助手"
STAFF_TABS = (":material/search: 检索", ":material/receipt_long: 对话记录", ":material/assignment: 待处理", ":material/library_books: 口径库")

SEARCH_BOX = "查询（输入群众的问题或关键词）"
SEARCH_PLACEHOLDER = "例如：创业担保贷款展期"
SEARCH_BUTTON = "检索"
SEARCH_K = "返回条数"
FILTER_DOCS = "文件"
FILTER_PUBLISHERS = "发布单位"
FILTER_DATES = "发布日期范围"
SEARCH_NONE = "没有找到相关段落（或被筛选条件排除）。"
SEARCH_HIT = "**{rank}.**　得分 `{score}`　《{title}》　{publisher}　{date}"
SEARCH_PICK = "作为口径依据"
SEARCH_COUNT = "共 {n} 条结果（已按筛选条件过滤）"
REPLY_TITLE = "标准答复（可一键复制）"
REPLY_HELP = "右上角按钮可复制。答复由系统根据政策原文生成，请核对后使用。"
REPLY_TO_FAQ = "以此答复新建口径"
REPLY_WHY = "为什么这样答（回答记录）"

LOG_TITLE = "对话记录"
LOG_FILTER_STATUS = "状态"
LOG_ALL = "全部"
LOG_PICK = "选择一条对话"
LOG_BY_ID = "或输入回答编号"
LOG_EMPTY = "还没有对话记录。"
LOG_NOT_FOUND = "找不到编号为 {id} 的回答。"
RECORD_STATUS = "状态"
RECORD_TOTAL = "总耗时"
RECORD_STEPS = "各步骤"
RECORD_PASSAGES = "检索到的段落"
RECORD_USED = "已采用"
RECORD_UNUSED = "未采用"
RECORD_CITATIONS = "引用"
RECORD_RAW = "完整记录（JSON）"
RECORD_QUESTION = "问题"
RECORD_NORMALIZED = "规范化后"
RECORD_INTENT = "意图 / 要素"
RECORD_ANSWER = "答复"
RECORD_COVERAGE = "覆盖判断"

STATUS_LABELS = {
    "answered": "已回答",
    "calculated": "计算器",
    "faq": "标准口径",
    "needs_more_info": "追问",
    "declined": "未覆盖",
    "refused": "拒答",
    "chitchat": "寒暄",
    "error": "出错",
    "pending": "未完成",
}

WORK_TITLE = "待处理问题（未覆盖 + 没用）"
WORK_INTRO = "同一个问题（不论标点、繁简、语气词）归为一组，问得最多的排在前面。"
WORK_EMPTY = "没有待处理的问题。"
WORK_GROUP = "{count} 次　{question}　（{counts}；最近 {when}）"
WORK_DECLINED_N = "未覆盖 {n}"
WORK_THUMBS_DOWN_N = "没用 {n}"
WORK_WORDINGS = "群众的不同问法："
WORK_COMMENT = "群众意见：{comment}"
WORK_WRITE_FAQ = "为此问题写口径"
WORK_SHOW_RECORD = "查看回答记录"

FAQ_TITLE = "口径库（审核后的标准答复）"
FAQ_INTRO = "群众提问与某条口径足够接近时，问答会优先给出该口径，并注明是标准口径。"
FAQ_QUESTION = "问题"
FAQ_ANSWER = "答复口径"
FAQ_CITATIONS = "依据（来自检索结果中勾选的段落）"
FAQ_NO_CITATIONS = "还没有勾选依据：在「检索」中勾选「作为口径依据」。"
FAQ_SAVE = "保存口径"
FAQ_SAVED = "已保存。"
FAQ_NEW = "新建口径"
FAQ_EDITING = "正在编辑：{question}"
FAQ_EDIT = "编辑"
FAQ_RETIRE = "停用"
FAQ_RETIRED = "已停用。"
FAQ_SHOW_RETIRED = "显示已停用的口径"
FAQ_EMPTY = "口径库还是空的。"
FAQ_ITEM = "{status}　{question}"
FAQ_ACTIVE = ":material/check_circle: 使用中"
FAQ_RETIRED_LABEL = ":material/block: 已停用"
FAQ_UPDATED = "更新于 {when}，作者 {author}"
FAQ_CLEAR_CITATIONS = "清空已选依据"
