"""Every text a citizen reads from the HTTP surfaces (JSON errors, WeChat replies), in one
place so it can be reviewed and translated. The H5 page and widget keep their own texts in
one block at the top of api/static/widget.js."""
from __future__ import annotations

from assistant.messages import HOTLINE, TOPICS

# -- JSON API errors: (Chinese for citizens, English for logs) ------------------------------
BAD_JSON = ("请求内容不是有效的 JSON", "request body is not valid JSON")
BAD_REQUEST = ("请求格式不正确，请检查后再试", "malformed request")
SESSION_HAS_PII = ("“会话编号”里不能包含手机号、身份证号等个人信息", "session_id looks like personal data")
BODY_TOO_LARGE = ("提交的内容太长，请精简后再试", "request body too large")
UPLOAD_TOO_LARGE = ("上传的文件太大，最大 {mb} MB；请拆分文件或压缩其中的图片后再上传", "upload too large")
STAFF_AUTH = ("需要工作人员账号：请用 HTTP Basic 认证提供用户名和密码（policydesk staff add 建立账号）",
              "staff credentials required (HTTP Basic)")
RATE_LIMITED = ("提问太频繁了，请稍等一分钟再试", "rate limit exceeded")
QUESTION_EMPTY = ("请输入您的问题", "question is empty")
QUESTION_TOO_LONG = ("问题太长了（最多{limit}字），请精简后再问", "question longer than {limit} characters")
NOT_FOUND = ("没有这个页面或接口", "not found")
METHOD_NOT_ALLOWED = ("不支持这种请求方式", "method not allowed")
INTERNAL = (f"系统出了点问题，请稍后再试，或拨打 {HOTLINE} 咨询", "internal error")
UNKNOWN_CALCULATOR = ("没有名为“{name}”的计算器，可用的有：{names}", "unknown calculator {name!r}")
CALC_INPUTS_NOT_OBJECT = ("计算器的输入应是一组“名称: 值”", "calculator inputs must be a JSON object")
UNKNOWN_ANSWER = ("找不到要评价的回答，请刷新后再试", "no answer with this id")
FEEDBACK_THANKS = "感谢您的评价"
DOC_NOTE = "浅蓝底色是回答引用的条文或段落，黄色是引用的原句。本页是收录时整理过的文本，以发布机关的正式文本为准。"
DOC_NOTE_PLAIN = "本页是收录时整理过的文本，以发布机关的正式文本为准。"
DOC_NOT_FOUND = ("没有找到这份文件，它可能已被停用或编号有误", "no such document")
DOC_STATUTE_META = "{kind}　{version}"
WECHAT_NOT_CONFIGURED = ("公众号接口尚未配置", "WeChat token is not configured")
WECHAT_BAD_SIGNATURE = ("签名校验失败", "bad signature")
WECHAT_BAD_XML = ("消息格式不正确", "malformed or unsafe XML")
WECHAT_DECRYPT_FAILED = ("消息解密失败", "cannot decrypt message")
WECHAT_STALE = ("请求已过期或时间不对", "timestamp outside the accepted window")
WECHAT_REPLAYED = ("重复的请求签名", "signature replayed with another body")

# Chinese names of request fields, for validation messages.
FIELD_LABELS = {
    "question": "问题",
    "session_id": "会话编号",
    "today": "日期",
    "channel": "渠道",
    "answer_id": "回答编号",
    "rating": "评价",
    "comment": "意见",
    "q": "查询内容",
    "k": "返回条数",
    "body": "请求内容",
    "start": "引文起始位置",
    "end": "引文结束位置",
    "article": "条文序号",
}
FIELD_MISSING = "缺少“{label}”"
FIELD_INVALID = "“{label}”的格式不对"
FIELD_TOO_LONG = "“{label}”太长了"
RATING_INVALID = "评价只能是有用（1）或没用（-1）"

# -- WeChat official account ---------------------------------------------------------------
WECHAT_WELCOME = (
    f"欢迎关注！我是民生政策助手，可以回答山西{TOPICS}等政策问题，"
    "直接发文字提问即可，例如：爱心消费券每人多少钱？\n"
    f"回答只依据已收录的政策原文；其他问题请拨打 {HOTLINE} 人社服务热线。"
)
WECHAT_NON_TEXT = "目前只能回答文字提问，请直接输入您的问题，例如：失业保险金能领几个月？"
WECHAT_RATE_LIMITED = "您提问太频繁了，请稍等一分钟再试。"
WECHAT_BAD_TEXT = "您的消息里有无法识别的字符，请重新输入文字提问。"
WECHAT_ERROR = f"抱歉，系统暂时无法回答，请稍后再试，或拨打 {HOTLINE} 人社服务热线。"
