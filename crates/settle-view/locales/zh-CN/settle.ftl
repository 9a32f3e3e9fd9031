# settle 面向业务员的文字，简体中文。JSON 输出中的标识符不经过这里，始终为英文。
# 缺少的消息以英文显示。field-* 为 claim new 中每个字段的说明（英文取自索赔字段定义）。

## 计数

days = { $n } 天

## 工作台：轮到谁、何时到期

label-move = 轮到
label-due = 到期
label-logged = 已记录
label-acknowledged = 已确认收到
label-rounds = 往来记录
label-advice-log = 已给出的建议
label-customer = 客户
label-order = 订单
label-problem = 问题
label-ask = 索赔要求
turn-ours = 我方
turn-ours-waited = 我方：买方已等待 { $n } 天
turn-short-ours = 我方
turn-buyer = 买方
turn-settled = 已达成：执行并结案
turn-closed = 已结案
due-first-answer = 首次答复
due-reply = 答复
due-execute = 执行和解方案
due-claim-period = 合同索赔期
due-prompt-notice = 合理通知期限（CISG 第 39(1) 条）
due-notice-limit = 通知最后期限（CISG 第 39(2) 条）
due-overdue = { $what }已逾期 { $late } 天（应于 { $by } 前完成）
due-pending = { $what }：{ $by } 前（{ $left ->
    [0] 今天
    [one] 明天
   *[other] 还有 { $left } 天
}）
due-met = 索赔在{ $what }之内（截至 { $by }）
due-missed = 索赔晚于{ $what } { $late } 天（截至 { $by }）

## claim list

list-head = 截至 { $as_of }：{ $n } 项索赔（{ $filter }）{ $overdue ->
    [0] {""}
   *[other] ，{ $overdue } 项逾期
}
filter-open = 处理中
filter-closed = 已结案
filter-all = 全部
col-due = 到期
col-claim = 索赔
col-customer = 客户
col-problem = 问题
col-ask = 要求
col-move = 轮到
col-waited = 已等待

## claim show

show-head = 索赔 { $claim }（{ $status }，版本 { $version }，负责人 { $assigned }）
status-open = 处理中
status-closed = 已结案
nobody = 无
no-order-number = 无订单号
none-yet = 暂无
show-created = { $at } 由 { $by } 录入；审计日志共 { $events } 条
brief-customer = { $name }（{ $relationship }，合作 { $years } 年）
brief-order = { $number }：{ $value }，已付 { $paid }，{ $quantity } 件，{ $stage }
brief-problem = { $kind }：{ $summary }（{ $affected } 件），{ $received } 收到
brief-ask = { $amount }，方式：{ $remedy }
relationship-new = 新客户
relationship-repeat = 老客户
relationship-key = 重点客户
stage-pre-shipment = 未发货
stage-in-transit = 运输中
stage-delivered = 已交货
stage-in-use = 使用中
party-buyer = 买方
party-seller = 我方
round-propose = { $who }提出{ $remedy } { $amount }
round-accept = { $who }接受
round-refuse = { $who }拒绝
round-withdraw = { $who }撤回
round-request-evidence = { $who }要求提供证据
round-evidence = { $who }提供了证据

## 写入

written = { $claim }（版本 { $version }）：{ $what }
written-round = 第 { $seq } 轮，{ $on }：{ $what }
written-create = 已录入台账
written-acknowledge = 已确认收到
written-close = 已结案
logged-as = 决策日志第 { $seq } 条建议（索赔版本 { $version }）

## 名称

remedy-refund = 退款
remedy-reship = 补发
remedy-discount = 折扣
remedy-repair = 维修
remedy-credit = 下单抵扣
remedy-reject = 拒赔
kind-quality-defect = 质量缺陷
kind-short-shipment = 短装
kind-transit-damage = 运输损坏
kind-late-delivery = 延迟交货
kind-wrong-spec = 规格不符
kind-documents = 单据问题
kind-safety = 安全事故
list-separator = ；
a-manager = 经理

## advise

advice-claim = 索赔          { $claim }（{ $kind }），{ $customer } 要求 { $ask }，方式：{ $remedy }
advice-bottom-line = 底线          最多赔付 { $why }
advice-buyer = 买方          { $parts }
belief-above = 想要多于 { $amount }（它拒绝了这个数）
belief-at-most = 会接受 { $amount }（它自己的方案）
belief-pace = 每轮让步差距的 { $share }
advice-responsible = 责任          卖方 { $seller }，买方 { $buyer }，承运人 { $carrier }{ $unclear ->
    [yes] （尚不明确）
   *[no] {""}
}
advice-no-rule = 没有规则覆盖此索赔
advice-fair-share = 合理份额      损失 { $loss } 中的 { $fair }；该客户价值 { $worth }
advice-options = 方案
advice-why-not = 为何不选
advice-rule = 规则 { $ids }
advice-plan = 买方还价时的计划
advice-plan-step = 第 { $round } 轮：{ $accepting ->
    [yes] 接受买方的方案：
   *[no] 提出
}{ $offer }（成本 { $cost }）
advice-warnings = 提醒
advice-rules-behind = 各项数字依据的规则
advice-rule-set = 规则集 { $rules }
advice-accept = 接受
advice-buyers-proposal = 买方的方案：{ $proposal }
advice-none-within = 底线之内无可行方案
advice-not-offered = 不提供
advice-col-option = 方案
advice-col-proposal = 提议
advice-col-cost = 成本
advice-col-chance = 接受概率
advice-col-expected = 预期总成本
figure-responsibility = 责任
figure-fair-share = 合理份额
figure-customer-value = 客户价值
figure-acceptance = 接受概率
figure-patience = 耐心
figure-loyalty = 忠诚度
figure-bottom-line = 底线
figure-concession-ladder = 让步阶梯
figure-cost-adjustments = 成本调整
figure-cost-of-the-proposal = 方案成本
figure-next-move = 下一步

## 建议的句子

proposal-refund-cancels = 退款 { $amount }，取消受影响的货物（货物留在我方）
proposal-refund-back = 退款 { $amount }，货物退回我方
proposal-refund = 退款 { $amount }，货物不退回
proposal-reship = 补发价值 { $amount } 的替换货物（{ $units } 件{ $freight ->
    [seller] ，运费由我方承担
    [buyer] ，运费由买方承担
   *[none] {""}
}）
proposal-discount = 折扣 { $amount }
proposal-repair = 免费维修 { $units } 件（对买方价值 { $amount }{ $freight ->
    [seller] ，运费由我方承担
    [buyer] ，运费由买方承担
   *[none] {""}
}）
proposal-credit = 下一订单抵扣 { $amount }
proposal-reject = 不予赔偿
move-approval = （需经{ $approver }批准）
move-accept = 接受买方的方案：{ $proposal }{ $approval }；我方成本 { $cost }。
move-offer = 提出{ $proposal }{ $approval }；我方成本 { $cost }。
move-execute-theirs = 已达成和解：买方接受了我方的方案（{ $proposal }）。请执行并把凭证发给买方，然后结案；我方成本 { $cost }。
move-execute-none = 已达成和解：本索赔不作赔偿，就此了结。无需执行：感谢买方并结案。
move-execute-ours = 已达成和解：我方接受了买方的方案（{ $proposal }）。请执行并把凭证发给买方，然后结案；我方成本 { $cost }。
move-reject = 礼貌地拒赔，并说明证据：{ $why }。给买方留面子。
move-request-evidence = 先索取证据，再谈赔偿：{ $documents }。
move-with-evidence = 按规则预期，取得这些证据后：{ $then }
move-escalate = 转交{ $to }（{ $why }）：{ $then }
move-escalate-offer = 将{ $accepting ->
    [yes] 接受买方的方案、
   *[no] {""}
}{ $proposal }提交审批；我方成本 { $cost }。
move-escalate-reject = 建议拒赔。
move-escalate-none = 底线之内没有可行的方案。
why-below-opening = 对买方的价值低于我方的首次报价（{ $opening }）：会显得压价
why-over-bottom-line = 此方案的任何报价都超过底线
why-no-value = 此方案在这里对买方没有价值
why-above-proposal = 此方案的任何报价，成本都不低于接受买方方案的成本（{ $cost }）
why-turned-down = 买方已经拒绝过对它价值相当的报价
warning-reply-overdue = 买方已等待答复 { $days } 天；应在 { $limit } 天内冷静答复，先于其他一切（种子 002 第一步）
warning-claim-above-value = 索赔金额（{ $ask }）高于货物价值（{ $value }）：赔付前先核实（种子 004）
warning-notice-expired = 通知是在交货后 { $days } 天才发出的，超过 { $limit } 天的期限：买方可能已丧失就该缺陷主张权利的资格（CISG 第 39(2) 条）
warning-notice-late = 通知是在交货后 { $days } 天发出的，晚于 { $limit } 天：请核实是否在合理时间内（CISG 第 39(1) 条）
warning-no-responsibility-rule = 没有责任规则覆盖此索赔：平均分摊并标记为不明确
warning-no-approval-limit = 规则集中没有 { $currency } 的审批限额

## explain

explain-head = 解释 { $claim }，规则集 { $rules }
explain-section-responsibility = 责任（命中策略 { $policy }）
explain-section-eligibility = 可选性：排除方案的规则
explain-section-cost-adjustment = 成本调整
explain-section-escalation = 升级
explain-section-evidence = 索取证据（仅在责任不明且索赔金额重大时提出）
explain-match = 命中
explain-match-not-consulted = 命中（未采用）
explain-no = 否
explain-no-not-consulted = 否（未采用）
explain-read = { $field } 为 { $value }   （要求 { $test }）
explain-always = 始终适用
explain-costs = 生效的成本参数
explain-figures = 数字
explain-figure-loss-basis = 损失基数
explain-figure-loss-basis-how = 索赔金额，以 costs.foreseeable × 订单金额为上限（CISG 第 74 条）
explain-figure-fair-share = 合理份额
explain-figure-fair-share-how = 卖方责任比例 × 损失基数
explain-figure-customer-value = 客户价值
explain-figure-customer-value-how = 年采购额 × 毛利率 × 留存年金
explain-figure-walk-cost = 买方离开的代价
explain-figure-walk-cost-how = 扣留的余款 + 裁决赔付 + 争议费用 + 失去的客户
explain-figure-stalemate-cost = 僵局的代价
explain-figure-stalemate-cost-how = 日后满足索赔 + 失去的客户（种子 001）
explain-figure-bottom-line = 底线
explain-figure-bottom-line-how = 取最小者：满足索赔、买方离开、拒赔
explain-belief = 买方逐轮的情况（它会接受的：高于它拒绝过的报价，不超过它自己的方案）
explain-belief-round = 第 { $round } 轮
explain-belief-between = 高于 { $above }，不超过 { $at_most }
explain-belief-above = 高于 { $above }
explain-belief-at-most = 不超过 { $at_most }
explain-belief-nothing = 尚无信息
explain-belief-chance = 建议的报价：任何一轮之前 { $before }%，现在 { $now }%  [{ $rules }]
explain-options = 方案：权衡过的报价，以及为何不选
explain-offer = { $offer }  成本 { $cost }  接受概率 { $chance }%  预期 { $expected }

## claim new：提问

prompt-intro = 新建索赔：填写您知道的信息；直接按回车采用方括号中的默认值。
prompt-section-top = 索赔
prompt-section-customer = 买方
prompt-section-order = 订单
prompt-section-problem = 出了什么问题
prompt-section-evidence = 手头的证据
prompt-section-ask = 买方的要求
prompt-evidence-flags = 以下哪些属实？（空格勾选，回车继续）
prompt-optional = 可选：不知道就留空
prompt-confirm = 将此索赔录入台账？
prompt-cancelled = 未写入任何内容

## 字段说明（claim new）

field-id = 您对此索赔的编号，所有输出中都会引用
field-received = 买方提出索赔的日期；买方耐心和通知期限都从这天算起
field-currency = 文件中所有金额的币种，如 USD、EUR、CNY
field-customer-name = 买方是谁
field-customer-relationship = 与买方的关系：决定其每年再下单的可能性，从而决定留住它的价值
field-customer-annual_purchases = 如果留住，买方一年会采购多少；一次性买家填 0
field-customer-years = 与买方合作的年数
field-customer-past_claims = 买方以前提出过的索赔次数
field-order-number = 订单号或形式发票号
field-order-value = 整个订单的发票金额
field-order-paid = 买方已付金额，不超过订单金额
field-order-quantity = 订单件数
field-order-unit_cost = 重新生产或采购一件的成本
field-order-incoterm = 订单的 2020 年国际贸易术语（如 FOB、CIF）；不知道就留空
field-order-stage = 货物现在在哪里
field-order-delivered = 交货日期；通知期限从这天算起
field-order-perishable = 货物是否易腐（生鲜、肉类、乳制品等）
field-order-insurance = 谁为这趟运输投保了货运险
field-order-claim_days = 合同约定的交货后索赔期（天）
field-problem-kind = 出了什么问题
field-problem-summary = 用一句话描述问题
field-problem-category = 产品类别，如 electronics、furniture、tools
field-problem-affected = 受影响的件数，不超过订单件数
field-problem-severity = 问题有多严重
field-problem-repairable = 能否用配件或返工修好
field-problem-still_needed = 买方是否仍然需要这批货
field-evidence-buyer_photos = 买方发来了照片或视频
field-evidence-inspection = 谁检验了货物
field-evidence-our_qc = 我方这批货的质检记录
field-evidence-spec_in_contract = 争议的要求写在合同或形式发票中
field-evidence-spec_from_buyer = 出错的规格、图稿、标签或单据是买方提供的
field-evidence-carrier_noted = 提单或交货单上注明了货损或短少
field-evidence-misuse_signs = 有误用或验收后损坏的迹象
field-evidence-buyer_changes = 买方在订单执行期间更改了设计或单据
field-evidence-buyer_paid_late = 买方付款晚于约定
field-evidence-progress_updates = 我方定期向买方通报了订单进度
field-evidence-expert_opinion = 我方工程师或公估人的意见
field-evidence-sample = 货物与买方确认的样品相比如何
field-evidence-packing = 我方包装是否适合这趟运输
field-evidence-loaded_clean = 清洁提单或装船检验显示货物装船时完好
field-evidence-within_tolerance = 缺陷率或偏差在合同或行业可接受的范围内
field-evidence-buyer_delay = 买方延迟提货、检验或存放，损失因此扩大
field-evidence-impediment = 我方无法控制、无法预见或避免的障碍导致了问题（CISG 第 79 条）
field-evidence-legal_action = 买方已启动法律或仲裁程序，或保险公司、律师已接手
field-evidence-fraud_signs = 索赔前后矛盾：单据疑似伪造，证据与记录不符
field-ask-remedy = 买方要求的方式
field-ask-amount = 买方要求的金额

## 网页工作台（settle serve）

web-kind-propose = 提出方案
web-kind-accept = 接受对方的方案
web-kind-refuse = 拒绝对方的方案
web-kind-withdraw = 撤回自己的方案
web-kind-request-evidence = 要求提供证据
web-kind-evidence = 提供证据
web-skip = 跳到正文
web-nav = 页面
web-language = 语言
web-switch = 切换
web-log-in = 登录
web-log-out = 退出
web-login-failed = 用户名或密码错误，或该用户已停用。
web-login-throttled = 该用户名登录失败次数过多：请 {"{"}minutes{"}"} 分钟后再试。
web-user-name = 用户名
web-password = 密码
web-open-claims = 未结索赔
web-new-claim = 新建索赔
web-new-claim-lead = 买方的说法和您掌握的情况：字段与索赔文件相同；带 * 的为必填。
web-form-has-errors = 索赔未录入；请修改下面标出的字段。
web-enter-claim = 录入索赔
web-assigned = 负责人
web-assign-to = 指派给业务员
web-assign-help = 负责此索赔的业务员用户名（留空：暂不指派）。
web-approvals = 审批
web-approvals-lead = 超出业务员权限的报价在此等待您的决定；业务员会在索赔页面看到结果。
web-outcomes = 结果
web-outcomes-lead = 最近结案的索赔：和解方式、成本，以及客户是否留住。
web-rules = 规则
web-analyst = 分析
web-analyst-lead = 用候选规则集对账本历史做回放或模拟；报告与 `settle replay --html` 相同
web-closed-claims = 件已结案索赔
web-candidate = 候选规则目录
web-run-what = 运行
web-replay = 回放已结案索赔
web-simulate = 在账本索赔上模拟
web-run = 运行
web-no-candidates = 没有候选规则目录：启动服务器时加上 --candidates DIR（存放规则集目录的文件夹）。
web-no-history = 账本中还没有可用的索赔。
web-due = 期限
web-claim = 索赔
web-customer = 客户
web-problem = 问题
web-ask = 要求
web-order = 订单
web-received = 收到日期
web-move = 该谁
web-no-claims = 没有未结索赔。
web-closed = 已结案
web-next-move = 下一步
web-gate = 此举需要{ $approver }批准：其成本超过 { $limit } 的权限
web-approval-pending = 等待审批。
web-approval-approved = 已批准：
web-approval-declined = 已拒绝：
web-ask-approval = 申请审批
web-we-sent-offer = 我们已发出此报价
web-we-accepted = 我们已接受买方的方案
web-we-acknowledged = 我们已确认收到索赔
web-log-advice = 记录此建议
web-buyer-replied = 买方回复
web-buyer-accepted = 接受了我们的报价
web-buyer-refused = 拒绝了我们的报价
web-counter-remedy = 方案
web-counter-amount = 金额
web-on-day = 日期
web-record-counter = 记录买方还价
web-record-other = 记录其他动作
web-round-kind = 发生了什么
web-round-by = 谁
web-party-buyer = 买方
web-party-seller = 我方
web-note = 备注
web-record = 记录
web-draft-ack = 要发送的首次答复
web-draft-reply = 要发送的回复
web-buyer-language = 买方语言
web-draft-text = 草稿
web-copy = 复制草稿
web-copied = 已复制。
web-the-advice = 建议
web-options = 方案
web-why-not = 为何不选
web-plan = 买方还价时的计划
web-warnings = 警告
web-rules-behind = 各项数字依据的规则
web-rule-set = 规则集
web-history = 历史
web-rounds = 回合
web-no-rounds = 还没有回合。
web-advice-given = 已给建议
web-no-advice = 尚未记录建议。
web-audit-log = 审计日志
web-asked-by = 申请人
web-cost = 成本
web-limit = 权限
web-comment = 意见
web-approve = 批准
web-decline = 拒绝
web-no-pending = 没有待审批的报价。
web-recent-decisions = 最近的决定
web-proposal = 方案
web-decision = 决定
web-version = 版本
web-hash = 哈希
web-lint = 检查
web-lint-clean = 无警告
web-warnings-count = 条警告
web-rule-tests = 规则测试
web-rule-tests-none = 未运行：找不到规则测试（用 --rules DIR 启动服务器，或在项目目录中启动）
web-rule-tests-run = 已运行
web-rule-tests-failed = 失败
web-rule-tests-broken = 规则测试有错误
web-every-rule = 全部规则
web-rule = 规则
web-why = 原因
web-source = 出处
web-where = 位置
web-outcome = 结果
web-retained = 留住客户
web-no-outcomes = 还没有结案的索赔。
web-yes = 是
web-no = 否
web-close-claim = 结案
web-close-settled = 双方已达成一致：填写我方成本后结案。
web-as-accepted = 按已接受的方案
web-cost-to-us = 我方成本
web-units = { $n } 件
web-assign = 指派
web-evidence-field = 证据改变的字段
web-evidence-value = 新值
