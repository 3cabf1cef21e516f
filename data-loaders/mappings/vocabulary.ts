/**
 * What `appraisal mapping init` knows about export headers and values: for each canonical field, the column names
 * helpdesk, HR and survey exports give it (English and Chinese), and the words they use for statuses, priorities
 * and yes/no. Names are compared normalised (see `norm`), so "Created time", "created_time" and "CREATED TIME" are
 * one name. A field's own canonical name is always one of its names.
 */

/** lower case, without spaces, punctuation and brackets; CJK characters are kept */
export const norm = (s: string) => s.normalize("NFKC").toLowerCase().replace(/[\s_\-./:()（）[\]【】#?？*"'`]+/g, "");

type Names = Record<string, string[]>;

const TICKETS: Names = {
  ticket_id: ["ticket id", "ticket", "ticket number", "ticket no", "id", "#", "number", "issue key", "key", "case number", "incident number", "request id", "工单编号", "工单号", "工单id", "工单 ID", "编号", "单号", "工单编码"],
  created_at: ["created", "created at", "created time", "created date", "creation date", "date created", "opened", "opened at", "open date", "submitted at", "创建时间", "提交时间", "发起时间", "创建日期", "开单时间"],
  first_response_at: ["first response", "first response at", "initial response time", "first reply at", "first replied at", "first response date", "date of first response", "[chart] date of first response", "custom field ([chart] date of first response)", "首次响应时间", "首次回复时间", "首响时间", "首次响应"],
  resolved_at: ["resolved", "resolved at", "resolved time", "resolved date", "solved at", "solved", "resolution date", "resolutiondate", "date resolved", "解决时间", "工单被解决时间", "完成时间", "解决日期"],
  closed_at: ["closed", "closed at", "closed time", "close at", "closed date", "date closed", "关闭时间", "工单被关闭时间", "结单时间", "关单时间"],
  updated_at: ["updated", "updated at", "last updated", "last update time", "last modified", "modified", "sys updated on", "sys updated at", "date modified", "更新时间", "最后更新时间", "修改时间", "最近更新时间"],
  status: ["status", "state", "incident state", "ticket status", "状态", "工单状态", "处理状态"],
  priority: ["priority", "优先级", "紧急程度", "紧急度"],
  category: ["category", "type", "ticket type", "issue type", "request type", "custom field (request type)", "分类", "类型", "工单类型", "问题分类", "问题类型", "工单分类"],
  channel: ["channel", "source", "via", "contact type", "create channel", "origin", "渠道", "来源", "工单来源", "来源渠道", "受理渠道"],
  queue: ["group", "assignment group", "queue", "support group", "组", "客服组", "受理客服组", "处理组", "技能组", "受理组", "工单组"],
  assignee_id: ["assignee", "assignee id", "agent", "assigned to", "owner", "responder", "handler", "受理客服", "处理人", "受理人", "负责人", "客服", "经办人", "处理客服", "指派给"],
  first_responder_id: ["first responder", "首次响应人", "首次回复人"],
  resolved_by: ["resolved by", "solved by", "resolver", "解决人", "解决客服"],
  reassign_count: ["reassignments", "reassignment count", "reassign count", "转派次数", "转交次数"],
  reopen_count: ["reopens", "reopen count", "reopened count", "重开次数", "重新打开次数"],
  sla_due_at: ["due date", "due by", "due by time", "due at", "sla due", "sla due at", "resolution due", "截止时间", "到期时间", "sla到期时间", "解决时限"],
  sla_breached: ["sla breached", "sla violated", "breached", "sla breach", "是否超时", "sla超时", "超时", "是否违反sla"],
  complaint: ["complaint", "is complaint", "投诉", "是否投诉"],
  complaint_agent_id: ["complaint against", "被投诉人", "被投诉客服"],
  customer_id: ["customer id", "requester id", "contact id", "caller id", "reporter id", "client id", "客户id", "客户编号", "发起人id", "客户ID", "用户ID"],
  subject: ["subject", "title", "summary", "short description", "标题", "主题", "工单标题", "问题标题"],
};

/** columns whose values say the SLA was met (the opposite of sla_breached) */
export const SLA_MET_NAMES = ["made sla", "sla met", "met sla", "within sla", "sla达成", "是否达成sla"].map(norm);

const AGENTS: Names = {
  agent_id: ["agent id", "employee id", "employee number", "staff id", "emp id", "id", "工号", "员工编号", "员工号", "员工工号", "人员编号"],
  display_name: ["name", "full name", "display name", "agent name", "employee name", "姓名", "名字", "员工姓名"],
  email: ["email", "e-mail", "mail", "work email", "邮箱", "电子邮件", "邮件", "工作邮箱"],
  helpdesk_login: ["login", "username", "user name", "helpdesk login", "account", "account id", "系统账号", "账号", "登录名", "用户名", "客服账号"],
  team: ["team", "group", "团队", "小组", "组别", "班组"],
  department: ["department", "dept", "部门", "所属部门"],
  role: ["role", "position", "job title", "岗位", "职位", "角色"],
  manager_id: ["manager id", "manager", "supervisor id", "supervisor", "直属上级工号", "上级工号", "主管工号", "直属上级"],
  hire_date: ["hire date", "start date", "date hired", "joined", "入职日期", "入职时间"],
  leave_date: ["leave date", "end date", "termination date", "离职日期", "离职时间"],
};

const CSAT: Names = {
  response_id: ["response id", "rating id", "survey id", "评价id", "评价编号", "问卷编号"],
  ticket_id: ["ticket id", "ticket", "ticket number", "工单编号", "工单号"],
  agent_id: ["agent", "assignee", "agent id", "客服", "受理客服", "被评价客服"],
  submitted_at: ["submitted at", "created at", "rated at", "date", "评价时间", "提交时间", "提交答卷时间"],
  score: ["score", "rating", "satisfaction", "评分", "满意度", "分数", "满意度评分"],
  comment: ["comment", "feedback", "评价内容", "备注", "意见", "评价意见"],
};

export const FIELD_NAMES: Record<string, Names> = { tickets: TICKETS, agents: AGENTS, csat: CSAT };

/** the normalised names of a field of a table, its own name first */
export function namesOf(table: string, field: string): string[] {
  return [...new Set([norm(field), ...(FIELD_NAMES[table]?.[field] ?? []).map(norm)])];
}

/** words for canonical enum values, compared normalised */
export const VALUE_WORDS: Record<string, Record<string, string[]>> = {
  status: {
    new: ["new", "created", "unassigned", "to do", "新建", "新", "待受理", "未受理", "待分配", "待处理"],
    open: ["open", "opened", "active", "in progress", "work in progress", "assigned", "reopened", "waiting for support", "escalated", "处理中", "进行中", "已受理", "受理中", "开启", "打开", "已分配", "重新打开"],
    pending: ["pending", "waiting", "awaiting user info", "waiting for customer", "waiting on customer", "pending reminder", "pending close", "等待", "等待回复", "待回复", "待回应", "等待客户回复", "待客户确认", "待确认"],
    on_hold: ["on hold", "on-hold", "hold", "awaiting vendor", "awaiting problem", "awaiting evidence", "waiting on third party", "挂起", "暂停", "搁置"],
    resolved: ["resolved", "solved", "done", "completed", "fixed", "已解决", "已完成", "完成", "解决"],
    closed: ["closed", "已关闭", "关闭", "已结单", "结单", "已关单"],
  },
  priority: {
    urgent: ["urgent", "critical", "highest", "blocker", "p1", "1 - critical", "紧急", "非常紧急", "特急", "最高"],
    high: ["high", "major", "p2", "2 - high", "3 high", "高"],
    normal: ["normal", "medium", "moderate", "p3", "3 - moderate", "2 normal", "中", "普通", "一般", "正常"],
    low: ["low", "lowest", "minor", "trivial", "p4", "4 - low", "5 - planning", "1 low", "低", "最低"],
  },
  relation: {
    self: ["self", "自评", "本人"],
    supervisor: ["supervisor", "manager", "上级", "主管"],
    peer: ["peer", "colleague", "同事", "同级"],
    subordinate: ["subordinate", "report", "下属", "下级"],
    customer: ["customer", "client", "客户"],
    other_department: ["other department", "cross-department", "其他部门", "跨部门"],
  },
};

/** words for yes and no beyond the ones the bulk check reads itself (true/false/yes/no/1/0/是/否/有/无) */
export const BOOLEAN_WORDS = {
  true: ["sla violated", "violated", "breached", "overdue", "超时", "已超时", "违反"],
  false: ["within sla", "met", "not breached", "未超时", "达成", "正常"],
};

/** values that mean "empty" in exports, looked for by init */
export const NULL_TOKEN_CANDIDATES = ["?", "-", "--", "NULL", "null", "N/A", "n/a", "NA", "(none)", "none", "无", "空"];

/** timestamp layouts init tries on sample values (ISO 8601 with or without offset is read without any) */
export const TIMESTAMP_CANDIDATES = [
  "%Y-%m-%d %H:%M:%S",
  "%Y-%m-%d %H:%M",
  "%Y-%m-%d %H:%M:%S.%g",
  "%Y-%m-%d %H:%M:%S %z",
  "%Y/%m/%d %H:%M:%S",
  "%Y/%m/%d %H:%M",
  "%d/%m/%Y %H:%M",
  "%d/%m/%Y %H:%M:%S",
  "%m/%d/%Y %H:%M",
  "%m/%d/%Y %H:%M:%S",
  "%m/%d/%Y %I:%M %p",
  "%m/%d/%y %H:%M",
  "%d-%m-%Y %H:%M",
  "%d-%m-%Y %H:%M:%S",
  "%m-%d-%Y %H:%M:%S",
  "%d.%m.%Y %H:%M",
  "%d.%m.%Y %H:%M:%S",
  "%d/%b/%y %I:%M %p",
  "%d/%b/%Y %I:%M %p",
  "%Y年%m月%d日 %H:%M:%S",
  "%Y年%m月%d日 %H:%M",
];

export const DATE_CANDIDATES = ["%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y年%m月%d日", "%d/%b/%y"];
