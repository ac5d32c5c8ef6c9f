"""Every sentence the assistant says on its own (not quoted from a policy text), in one
place so it can be reviewed. Numbers here are service numbers, not policy numbers."""

HOTLINE = "12333"
SERVICE_NUMBERS = {HOTLINE}

DECLINED = ("抱歉，您问的问题不在本助手收录的政策文件范围内，我无法给出可靠答复。"
            "建议拨打人社服务热线 12333 或咨询当地人社、民政部门。")
REFUSED_EMPTY = "请输入您想咨询的问题，例如：爱心消费券每人多少钱？"
REFUSED_TOO_LONG = "问题太长了（最多 {limit} 字），请简要描述您想咨询的事项。"
ERROR = "抱歉，系统暂时出了点问题，请稍后再试，或拨打人社服务热线 12333。"
CHITCHAT = ("您好！我是民生政策助手，可以回答失业保险、创业扶持、爱心消费券、稳定就业司法保障等"
            "山西民生政策问题，并帮您计算贷款展期、失业保险金期限、试用期上限等。请直接提问。")
THANKS = "不客气！还有其他政策问题，欢迎继续提问。"
FAQ_LEAD = "（以下为工作人员审核的标准答复）"
SOURCE_LEAD = "根据《{title}》（{publisher}，{date}）："
SOURCE_LEAD_MULTI = "根据《{title}》（{publisher}，{date}）等政策文件："
LABEL_LEAD = "根据{label}："                 # {label}: policydesk.citation.citation_label
LABELLED_QUOTE = "{label}：“{quote}”[{n}]"
NATIONAL_BASIS = "国家法律依据："
CALC_LEAD = "按照相关规定计算："
RULE_LEAD = "依据："
NEXT_STEP = "办理方式："
FOLLOW_UP_PREFIX = "为了帮您准确计算，还需要了解："
BAD_SLOT = "您提供的{label}有误：{problem}。"
DISCLAIMER = "以上内容摘自政策原文，具体以当地经办机构解释为准。"
ASSUMED = "以下按您{conditions}的情况计算（如不符合，请告诉我）："
CONFIRM_PREFIX = "请确认："
STATUTE_QUOTE = "依据{statute}{article}：“{text}”[{n}]"
