"""A corpus for near-duplicate detection: stories republished in altered forms
among distinct stories on the same subjects.

Stories are the five seed articles and generated press releases: fraud warnings,
solved cases, traffic safety, drug control, annual reviews and commendations,
each written from pools of sentences (crafted here) filled with other cities,
units, people and figures, and sharing stock paragraphs (警方提醒 …) with other
stories of their subject, as real releases do. Two fraud warnings from different
cities are different stories.

Each republication applies one or two :data:`TRANSFORMATIONS` (traditional
script, page furniture, truncation to three quarters, a paragraph dropped, the
headline changed, punctuation and digit widths swapped). Used by
``tests/test_dedup.py`` and ``bench/dedup.py``; deterministic for a seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GAZETTEER = ROOT / "policetext" / "data" / "gazetteer.txt"


@cache
def _s2t() -> Callable[[str], str]:
    from policetext.engines import pure_converter

    return pure_converter("s2t")


@cache
def places() -> tuple[tuple[str, str], ...]:
    """(city, county) pairs of the gazetteer: the settings of generated stories."""
    cities: dict[str, str] = {}
    pairs = []
    for line in GAZETTEER.read_text("utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, name, level, parent, _ = (line.split("\t") + [""] * 5)[:5]
        if level == "city" and name.endswith("市"):
            cities[code] = name
        elif level == "county" and parent in cities and name.endswith(("区", "县")):
            pairs.append((cities[parent], name))
    return tuple(pairs)


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建林峰宇浩凯斌波宁琳晨阳帆亮飞鑫东海志成国庆春雪梅"  # noqa: E501


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _fill(template: str, rng: random.Random, facts: dict[str, str]) -> str:
    """A template's {fields} from the story's facts; {n}, {m}, {p}, {x} and {who}
    are fresh numbers and names at each use."""
    fields = dict(facts)
    fields.update(
        n=str(rng.randint(2, 60)),
        m=str(rng.randint(3, 900)),
        p=f"{rng.randint(1, 60)}.{rng.randint(0, 9)}",
        x=str(rng.randint(1, 12)),
        who=_name(rng),
    )
    return template.format(**fields)


# ---- sentence pools, by subject and slot (crafted for this corpus) -----------
HEADLINES = {
    "fraud": [
        "{city}警方发布预警：{scam}骗局又出新花样",
        "警惕！{county}一居民遭遇{scam}被骗{m}万元",
        "{city}公安提醒：接到这类电话请立即挂断",
        "反诈预警｜{scam}诈骗高发，{city}警方紧急提示",
        "{county}公安分局成功劝阻一起{scam}诈骗",
    ],
    "case": [
        "{city}公安局{county}分局破获一起{crime}案",
        "{county}警方{x}天侦破系列{crime}案 抓获嫌疑人{n}名",
        "雷霆出击！{city}警方打掉一个{crime}团伙",
        "{city}警方通报：{crime}案件告破",
    ],
    "traffic": [
        "{city}交警发布节日出行安全提示",
        "{county}公安交警开展酒驾醉驾集中整治行动",
        "{city}公安交管部门通报近期交通违法情况",
        "平安出行｜{county}交警提醒：雨雪天气注意行车安全",
    ],
    "drugs": [
        "{city}警方破获一起特大贩毒案",
        "{county}公安分局开展禁毒宣传进校园活动",
        "全民禁毒｜{city}公安机关禁毒工作成效显著",
        "{county}警方捣毁一个吸贩毒窝点",
    ],
    "review": [
        "{city}公安局召开年度工作总结会议",
        "{city}公安机关{year}年工作回眸",
        "数读{year}：{city}公安交出平安答卷",
        "{county}公安分局{year}年度工作综述",
    ],
    "award": [
        "{city}公安局{county}分局{who}同志荣立个人二等功",
        "最美基层民警：{county}派出所社区民警{who}",
        "{city}公安局表彰一批先进集体和先进个人",
        "守护万家灯火——记{county}公安分局{unit}",
    ],
}
SCAMS = ["冒充客服退款", "刷单返利", "虚假投资理财", "冒充公检法", "网络贷款", "游戏装备交易",
         "冒充熟人借钱", "虚假征信修复", "杀猪盘交友", "网购退款"]  # fmt: skip
CRIMES = ["盗窃电动车", "入室盗窃", "电信网络诈骗", "非法集资", "寻衅滋事", "盗窃电缆",
          "网络赌博", "制售假药", "非法捕捞", "掩饰隐瞒犯罪所得"]  # fmt: skip
UNITS = ["刑侦大队", "治安大队", "巡特警大队", "城关派出所", "交警大队", "网安大队",
         "禁毒大队", "经侦大队", "看守所", "110指挥中心"]  # fmt: skip

OPENINGS = {
    "fraud": [
        "近日，{county}居民{who}接到一个自称“{scam}”工作人员的电话，对方准确说出了她的姓名和购物信息，随后以操作失误需要退款为由，诱导她下载了一款会议软件并开启屏幕共享。",
        "{date}，{city}公安局{county}分局反诈中心接到群众报警，称其在网上结识的“投资导师”推荐的平台无法提现，前后共被骗{m}万元。",
        "记者从{city}公安局获悉，今年以来全市共接报{scam}类诈骗警情{m}起，占全部电信网络诈骗警情的{p}%，成为发案数量最多的诈骗类型之一。",
        "{date}上午，{county}某小区的{who}在家中接到陌生来电，对方自称是某地警方，称其名下银行卡涉嫌洗钱，要求他配合调查并将资金转入所谓的安全账户。",
        "一名在校大学生在社交平台看到“日结佣金、动动手指就能赚钱”的广告后添加了对方好友，做了几单小任务后尝到甜头，随后被要求垫付大额资金，最终损失{m}元。",
    ],
    "case": [
        "{date}，{city}公安局{county}分局{unit}接到辖区群众报案，称其停放在小区楼下的财物被盗，民警立即赶赴现场开展勘查工作。",
        "近期，{county}辖区接连发生多起{crime}案件，作案手法相似，引起群众不安。分局高度重视，迅速抽调精干警力成立专案组。",
        "{date}凌晨，在{city}公安局的统一指挥下，{county}分局出动警力{m}余人，兵分{x}路对犯罪团伙窝点开展集中收网行动。",
        "{city}公安局近日通报，一个长期盘踞在城乡结合部的{crime}团伙被连根拔起，该团伙自去年以来作案{m}余起。",
    ],
    "traffic": [
        "假期将至，预计全市道路交通流量将明显增长，{city}公安局交通警察支队结合近年来节日期间交通事故特点发布出行提示。",
        "为严厉打击酒驾醉驾等严重交通违法行为，{date}晚，{county}公安交警大队在辖区主要路段开展集中整治统一行动。",
        "记者从{city}公安交管部门了解到，今年前{x}个月，全市共查处各类交通违法行为{m}万起，其中酒驾醉驾{n}百余起。",
        "受冷空气影响，近期{city}地区将出现大范围雨雪天气，部分路段可能出现道路结冰，对交通出行造成不利影响。",
    ],
    "drugs": [
        "{date}，{city}公安局禁毒支队会同{county}分局，经过{x}个多月的缜密侦查，成功破获一起公安部督办的特大贩毒案。",
        "在“6·26”国际禁毒日来临之际，{county}公安分局禁毒大队民警走进辖区中小学，为师生们带来一堂生动的禁毒教育课。",
        "今年以来，{city}公安机关坚持以打开路、以防为先，深入推进禁毒人民战争，全市毒品犯罪案件数量持续下降。",
        "根据群众举报线索，{county}公安分局组织警力对一处出租屋开展突击检查，当场抓获涉毒人员{n}名，缴获冰毒{m}克。",
    ],
    "review": [
        "{date}，{city}公安局召开全市公安工作会议，总结{year}年工作，部署今年重点任务，局党委书记、局长{who}出席会议并讲话。",
        "回望{year}年，{city}公安机关紧紧围绕平安建设目标，以改革创新为动力，全力以赴防风险、保安全、护稳定、促发展。",
        "{year}年，{county}公安分局在市局党委和区委区政府的坚强领导下，团结带领全体民辅警攻坚克难，各项工作取得新成效。",
    ],
    "award": [
        "{who}是{city}公安局{county}分局{unit}的一名普通民警，从警{n}年来，他扎根基层、默默奉献，先后参与侦办各类案件{m}余起。",
        "{date}，{city}公安局举行表彰大会，对在过去一年中涌现出的先进集体和先进个人进行表彰，{county}分局{unit}等{n}个集体受到通报表扬。",
        "清晨六点，{county}派出所社区民警{who}已经走在辖区的巷子里，这是他坚持了{n}年的习惯：每天上班前先把社区转一遍。",
    ],
}
MIDDLES = {
    "fraud": [
        "在对方的指导下，受害人先后通过手机银行向对方提供的账户转账{x}次，直到对方失联，才意识到自己被骗，随即报警。",
        "反诈民警通过预警信息发现后，第一时间联系上当事人，但其坚信自己在做正规投资，民警随即赶到其家中当面劝阻，成功避免损失{m}元。",
        "警方分析，此类骗局的犯罪分子通常事先非法获取受害人的个人信息，冒充客服、公职人员等身份骗取信任，再以各种理由诱导转账。",
        "经查，该诈骗平台的服务器架设在境外，诈骗分子通过虚假后台篡改数据，让受害人误以为盈利，实际上所有资金早已被转移。",
        "接警后，{county}分局立即启动止付冻结机制，民警连夜开展资金查询，成功冻结涉案资金{n}万元，相关案件正在进一步侦办中。",
        "据办案民警介绍，骗子往往会要求受害人下载指定的聊天软件，并以保密为由让其不要告诉家人，从而切断受害人与外界的联系。",
        "今年以来，{city}警方已累计紧急止付涉案资金{m}万元，劝阻潜在受害群众{n}千余人次，全市电诈案件发案数同比下降{p}%。",
    ],
    "case": [
        "专案组民警调取沿线视频监控{m}余小时，逐帧比对分析，最终锁定了犯罪嫌疑人{who}的活动轨迹和落脚点。",
        "经过连续{x}昼夜的蹲守，民警在一处出租屋内将犯罪嫌疑人抓获，现场起获被盗财物一批，价值{m}余元。",
        "经审讯，犯罪嫌疑人{who}等人对其多次作案的犯罪事实供认不讳。目前，{n}名犯罪嫌疑人已被依法采取刑事强制措施。",
        "办案民警顺线深挖，又先后破获同类案件{n}起，为群众挽回经济损失{m}万余元，并将追回的财物发还失主。",
        "据了解，该团伙分工明确，有人负责踩点望风，有人负责实施盗窃，还有人专门负责销赃，作案后迅速转移赃物逃避打击。",
        "在收网行动中，民警共抓获犯罪嫌疑人{n}名，查封涉案车辆{x}辆，冻结涉案账户{m}个，扣押手机、电脑等作案工具一批。",
    ],
    "traffic": [
        "整治行动中，交警采取定点检查与流动巡查相结合的方式，对过往车辆逐一进行酒精检测，共查处酒后驾驶{n}起、醉酒驾驶{x}起。",
        "交警部门提醒，出行前要检查车辆的制动、轮胎和灯光等安全性能，长途驾驶时每隔两小时要停车休息，严禁疲劳驾驶。",
        "据统计，去年同期全市共发生道路交通事故{m}起，其中超速行驶、未保持安全距离和违法变道是引发事故的主要原因。",
        "雨雪天气行车，驾驶人要降低车速，加大跟车距离，尽量避免急刹车和急转向，遇到结冰路段要缓慢通过。",
        "为保障群众平安出行，{county}交警大队在辖区{x}个重点路口增派警力，实行全天候巡逻管控，及时疏导拥堵车辆。",
        "一名驾驶人在检查点前突然掉头试图逃避检查，被执勤民警当场拦下，经检测其血液酒精含量达到{m}毫克每百毫升，已涉嫌醉驾。",
    ],
    "drugs": [
        "专案组经过深入研判，摸清了该贩毒网络的组织结构和运毒路线，发现其从外省购进毒品后在本地分装贩卖。",
        "收网当天，民警在高速公路收费站将运毒车辆成功拦截，当场从车内隐蔽夹层中查获毒品{m}克，抓获犯罪嫌疑人{n}名。",
        "课堂上，禁毒民警通过展示毒品仿真模型、播放警示教育片等方式，向学生们讲解新型毒品的种类、危害和识别方法。",
        "民警特别提醒同学们，一些新型毒品伪装成奶茶、饮料、糖果等形式，具有很强的迷惑性，切勿接受陌生人提供的食品饮料。",
        "据统计，全年共破获毒品刑事案件{n}起，抓获毒品犯罪嫌疑人{m}名，缴获各类毒品{x}公斤，查处吸毒人员{m}人次。",
        "与此同时，{city}公安机关持续加强对社区戒毒社区康复人员的管控帮扶，全市现有吸毒人员数量较去年下降{p}%。",
    ],
    "review": [
        "全年全市刑事案件立案数同比下降{p}%，八类严重暴力犯罪案件下降{p}%，现行命案连续{x}年全部侦破。",
        "全年共破获电信网络诈骗案件{m}起，抓获犯罪嫌疑人{n}百余名，为群众挽回经济损失{m}万元。",
        "持续深化“放管服”改革，推出便民利企措施{n}项，{x}类户籍业务实现“跨省通办”，群众办事更加便捷。",
        "全市道路交通事故起数、死亡人数同比分别下降{p}%和{p}%，未发生一次死亡3人以上的较大道路交通事故。",
        "扎实开展夏季治安打击整治行动，共侦破刑事案件{m}起，查处治安案件{m}起，群众安全感满意度达到{p}%。",
        "坚持从严管党治警，全年组织各类实战化训练{n}期，培训民辅警{m}人次，队伍的战斗力进一步提升。",
    ],
    "award": [
        "{n}年间，他调解各类矛盾纠纷{m}余起，帮助群众找回走失老人和儿童{x}名，辖区群众都亲切地称他为“贴心警察”。",
        "去年夏天，一名男子因情绪失控欲跳河轻生，{who}第一个冲上前去，与其耐心沟通{x}个多小时，最终将其成功劝下。",
        "在侦办一起系列盗窃案时，他带领同事连续奋战{n}个昼夜，行程{m}多公里，最终将{x}名犯罪嫌疑人全部抓获归案。",
        "会议强调，全市公安民警要以受表彰的先进典型为榜样，忠诚履职、担当作为，为建设更高水平的平安{short}贡献力量。",
        "据介绍，受表彰的集体和个人在重大安保、打击犯罪、服务群众等各项工作中表现突出，充分展现了新时代公安队伍的良好形象。",
    ],
}
# Stock paragraphs shared by stories of a subject, as real releases share them:
# a hard case for the threshold (other stories, one paragraph the same).
STOCK = {
    "fraud": [
        "警方提醒：凡是自称客服要求开启屏幕共享的，都是诈骗；凡是要求将资金转入“安全账户”的，都是诈骗；凡是网上刷单先垫付资金的，都是诈骗。如遇可疑情况，请立即拨打110或96110咨询。",
        "警方再次提醒广大市民：不轻信陌生来电，不透露个人信息，不点击不明链接，不向陌生账户转账。请下载安装国家反诈中心APP，开启来电预警功能。",
        "公安机关提示：天上不会掉馅饼，高收益的背后往往是高风险。投资理财请选择正规渠道，切勿轻信所谓的“内幕消息”和“稳赚不赔”。",
    ],
    "case": [
        "警方提醒：广大群众要提高防范意识，离开车辆时注意锁好车门，贵重物品随身携带，发现可疑人员请及时拨打110报警。",
        "目前，案件正在进一步侦办中。公安机关将持续保持严打高压态势，依法严厉打击各类违法犯罪活动，切实维护人民群众生命财产安全。",
    ],
    "traffic": [
        "交警提醒：开车不喝酒，喝酒不开车。驾乘人员要全程系好安全带，驾驶摩托车和电动自行车要佩戴安全头盔，共同营造安全有序的道路交通环境。",
        "出行前可通过交管部门官方微博、微信公众号了解实时路况信息，合理规划出行路线，错峰出行，避开拥堵路段。",
    ],
    "drugs": [
        "珍爱生命，远离毒品。公安机关欢迎广大群众积极举报涉毒违法犯罪线索，一经查实将给予奖励，并对举报人信息严格保密。",
        "毒品严重危害人的身心健康，一旦沾染极易成瘾。请大家树立正确的人生观，拒绝第一口，坚决不给毒品可乘之机。",
    ],
    "review": [
        "会议要求，全市各级公安机关要坚持稳中求进工作总基调，统筹发展和安全，全力防范化解重大风险，以公安工作现代化更好服务经济社会高质量发展。",
    ],
    "award": [
        "平凡的岗位，不平凡的坚守。他们用实际行动诠释了人民公安为人民的初心使命，守护着一方平安。",
    ],
}
# Sentences of a story's own, made of four fragments (when, who, action, result):
# stories on one subject pick different combinations, as different writers would.
WHEN = ["{date}，", "今年以来，", "近期，", "{date}上午，", "连日来，", "据了解，", "案发后，",
        "与此同时，", "{date}晚，", "此前，", "为此，", "随后，"]  # fmt: skip
WHO = ["{county}公安分局{unit}", "{city}公安局{unit}", "{unit}民警{who}", "{county}派出所所长{who}",
       "专案组", "社区民警{who}", "{city}警方", "办案民警", "{county}警方", "值班民警{who}",
       "{unit}教导员{who}", "分局党委"]  # fmt: skip
ACTIONS = {
    "fraud": [
        "走访辖区{n}家银行网点",
        "深入{x}个社区开展反诈宣传",
        "对{m}名潜在受害人逐一上门劝阻",
        "梳理涉诈线索{n}条",
        "联合金融机构排查涉诈资金",
        "在{county}各乡镇设立反诈宣传点",
        "通过短视频平台发布防骗提示",
        "对辖区{n}所高校学生开展预警",
        "核查可疑转账{m}笔",
        "会同通信运营商拦截诈骗电话",
    ],
    "case": [
        "连夜调取周边监控",
        "对{n}个可疑窝点同步收网",
        "顺藤摸瓜深挖上下线",
        "远赴{x}省追捕在逃人员",
        "对涉案资金流向开展追查",
        "走访群众{m}余人次",
        "在火车站将嫌疑人截获",
        "对现场痕迹逐一比对",
        "组织{n}个抓捕小组",
        "与周边地市警方联合办案",
    ],
    "traffic": [
        "在国道出口设置{x}个检查点",
        "对重点车辆逐一检查",
        "利用无人机开展空中巡查",
        "对{n}家运输企业开展安全约谈",
        "在学校周边护学岗执勤",
        "对逾期未检车辆集中清理",
        "联合路政部门排查道路隐患{n}处",
        "开展夜查行动{x}次",
    ],
    "drugs": [
        "对辖区娱乐场所开展清查",
        "走进{n}所学校开展禁毒宣传",
        "对{m}名社区戒毒人员开展走访",
        "在物流寄递环节开展排查",
        "联合海关开展缉毒行动",
        "对涉毒线索深挖扩线",
        "组织禁毒志愿者{m}人次开展宣传",
        "对{x}个重点村居开展毒品原植物踏查",
    ],
    "review": [
        "推进智慧警务建设",
        "开展矛盾纠纷排查化解",
        "深化“一村一辅警”工作",
        "推动警力下沉一线",
        "建成智慧安防小区{m}个",
        "开展执法规范化建设",
        "推进派出所“两队一室”改革",
        "开展重点行业场所检查{m}家次",
    ],
    "award": [
        "帮助{n}名困难群众解决实际问题",
        "连续{x}年春节坚守岗位",
        "带领同事破获积案{n}起",
        "调解邻里纠纷{m}起",
        "在洪水中转移群众{m}人",
        "为辖区老人上门办理证件{n}次",
        "坚持每周走访独居老人",
        "在火灾现场救出被困群众{x}人",
    ],
}
RESULTS = [
    "，取得了明显成效",
    "，共抓获犯罪嫌疑人{n}名",
    "，挽回经济损失{m}万元",
    "，发放宣传资料{m}余份",
    "，受到群众好评",
    "，群众满意率达{p}%",
    "，相关工作正在进一步推进",
    "，收到群众锦旗{x}面",
    "，查获各类隐患{n}处",
    "，案件侦办取得突破",
]


def own_sentence(rng: random.Random, subject: str, facts: dict[str, str]) -> str:
    parts = (rng.choice(WHEN), rng.choice(WHO), rng.choice(ACTIONS[subject]), rng.choice(RESULTS))
    return _fill("".join(parts) + "。", rng, facts)


CLOSINGS = [
    "下一步，{city}公安机关将继续深化打防管控建设，不断提升人民群众的获得感、幸福感、安全感。",
    "{county}公安分局相关负责人表示，将以此次行动为契机，建立健全长效机制，持续巩固工作成效。",
    "据悉，{city}公安局还将联合相关部门在全市范围内开展为期{x}个月的专项行动。",
    "",
]


@dataclass(frozen=True)
class Story:
    """One story: its name, the family it belongs to, and its text."""

    name: str
    family: int
    text: str


def generated_story(
    rng: random.Random, subject: str, own: tuple[int, int] = (4, 8), shared: int = 2
) -> str:
    """A press release on ``subject`` from the pools, set in a random city: a lede,
    up to ``shared`` sentences of the subject's pool, ``own`` sentences of its own
    (between the two numbers), perhaps a stock paragraph and a closing line.

    With few own sentences, two stories of a large corpus can come out of the
    pools nearly alike (template twins); the benchmark asks for more of them."""
    city, county = rng.choice(places())
    year = rng.randint(2016, 2024)
    facts = {
        "city": city,
        "county": county,
        "short": city[:-1],
        "scam": rng.choice(SCAMS),
        "crime": rng.choice(CRIMES),
        "unit": rng.choice(UNITS),
        "year": str(year),
        "date": f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
    }
    lines = [_fill(rng.choice(HEADLINES[subject]), rng, facts)]
    lines.append(_fill(rng.choice(OPENINGS[subject]), rng, facts))
    pooled = rng.sample(MIDDLES[subject], rng.randint(min(1, shared), shared))
    sentences = [_fill(m, rng, facts) for m in pooled]
    sentences += [own_sentence(rng, subject, facts) for _ in range(rng.randint(*own))]
    rng.shuffle(sentences)
    # two or three sentences a paragraph
    while sentences:
        take = rng.randint(2, 3)
        lines.append("".join(sentences[:take]))
        sentences = sentences[take:]
    if rng.random() < 0.5:
        lines.append(rng.choice(STOCK[subject]))
    closing = _fill(rng.choice(CLOSINGS), rng, facts)
    if closing:
        lines.append(closing)
    return "\n".join(lines) + "\n"


SUBJECTS = tuple(HEADLINES)


# ---- republication: the transformations ---------------------------------------
def to_traditional(text: str, rng: random.Random) -> str:
    """The traditional-script edition (OpenCC s2t)."""
    return _s2t()(text)


def add_furniture(text: str, rng: random.Random) -> str:
    """A portal's page around the story: breadcrumbs, stamps, neighbours, footer."""
    stamp = f"20{rng.randint(16, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    head = rng.choice(["首页 > 警务资讯 > 工作动态", "当前位置：首页 > 新闻中心 > 公安要闻", ""])
    top = [
        head,
        f"发布时间：{stamp} {rng.randint(7, 22):02d}:{rng.randint(0, 59):02d}",
        f"来源：{rng.choice(['市公安局', '平安头条', '本站原创', '政法委'])}",
        f"浏览次数：{rng.randint(30, 9000)}",
    ]
    bottom = [
        "【打印本页】【关闭窗口】",
        f"上一篇：{rng.choice(HEADLINES['case']).format(city='某市', county='某区', crime='盗窃', x='3', n='5')}",  # noqa: E501
        f"下一篇：{rng.choice(HEADLINES['traffic']).format(city='某市', county='某县')}",
        "版权所有：某市公安局 技术支持：某网络科技有限公司",
    ]
    rng.shuffle(top)
    return "\n".join(line for line in top if line) + "\n" + text + "\n".join(bottom) + "\n"


def truncate(text: str, rng: random.Random) -> str:
    """Cut at three quarters of the characters (a feed's excerpt, a broken scrape)."""
    return text[: len(text) * 3 // 4]


def drop_paragraph(text: str, rng: random.Random) -> str:
    """One paragraph (not the headline) left out; in a page without such paragraphs
    (scraped as one line), a fifth of its sentences in a row."""
    lines = text.splitlines()
    # a paragraph, not the page: a line holding most of the text (a page scraped
    # into one line, or a markup blob) is not one
    body = [i for i, line in enumerate(lines) if i and 0 < len(line.strip()) <= len(text) * 0.4]
    if len(body) < 2:
        sentences = re.findall(r"[^。！？]*[。！？]?", text)
        sentences = [piece for piece in sentences if piece]
        run = max(1, len(sentences) // 5)
        start = rng.randrange(1, max(2, len(sentences) - run))
        return "".join(sentences[:start] + sentences[start + run :])
    gone = rng.choice(body)
    return "\n".join(line for i, line in enumerate(lines) if i != gone) + "\n"


HEADLINE_PREFIXES = ["【平安播报】", "转载｜", "警方发布：", "关注！", "#反诈进行时# ", "重磅｜"]


def change_headline(text: str, rng: random.Random) -> str:
    """Another headline: a channel's prefix and the first half of the old one, or a
    new one of the channel's own."""
    first, _, rest = text.partition("\n")
    if len(first) > 60:  # a page scraped as one line: no headline line to change
        first, rest = first[:16], text
    if rng.random() < 0.5:
        new = rng.choice(HEADLINE_PREFIXES) + first[: max(4, len(first) // 2)] + "……"
    else:
        new = rng.choice(["警方通报来了", "这件事，警察蜀黍有话说", "今日警情速递", "一图读懂"])
    return new + "\n" + rest


_TO_HALF = str.maketrans("，。：；！？（）“”", ',.:;!?()""')
_TO_FULL = str.maketrans("0123456789%", "０１２３４５６７８９％")


def swap_widths(text: str, rng: random.Random) -> str:
    """Chinese punctuation made ASCII, ASCII digits made full-width (a WeChat copy)."""
    return text.translate(_TO_HALF).translate(_TO_FULL)


TRANSFORMATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "traditional": to_traditional,
    "furniture": add_furniture,
    "truncated": truncate,
    "paragraph": drop_paragraph,
    "headline": change_headline,
    "widths": swap_widths,
}
#: republications with two changes at once, as portals make them
COMBINATIONS = (
    ("traditional", "furniture"),
    ("headline", "widths"),
    ("furniture", "paragraph"),
    ("headline", "truncated"),
)


def republish(text: str, changes: tuple[str, ...], rng: random.Random) -> str:
    for change in changes:
        text = TRANSFORMATIONS[change](text, rng)
    return text


def seed_stories() -> list[str]:
    return [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def build(
    stories: int = 120, *, copies: tuple[int, int] = (1, 4), seed: int = 25
) -> Iterator[Story]:
    """Originals and their republications, shuffled: the seed articles and
    ``stories`` generated ones (subjects in turn); each original has between
    ``copies[0]`` and ``copies[1]`` altered copies (half the originals none when
    ``copies[0]`` is 0). Families number the originals."""
    rng = random.Random(seed)
    originals = seed_stories() + [
        generated_story(rng, SUBJECTS[i % len(SUBJECTS)]) for i in range(stories)
    ]
    plans: list[tuple[str, ...]] = [(name,) for name in TRANSFORMATIONS] + list(COMBINATIONS)
    out: list[Story] = []
    for family, text in enumerate(originals):
        out.append(Story(f"{family:05d}_original", family, text))
        for k in range(rng.randint(*copies)):
            changes = plans[(family + k) % len(plans)]
            copy = republish(text, changes, rng)
            out.append(Story(f"{family:05d}_{k}_{'+'.join(changes)}", family, copy))
    rng.shuffle(out)
    return iter(out)


def true_pairs(stories: list[Story]) -> set[tuple[str, str]]:
    """Pairs of documents of one family (names in sorted order)."""
    by_family: dict[int, list[str]] = {}
    for story in stories:
        by_family.setdefault(story.family, []).append(story.name)
    return {
        (a, b) if a < b else (b, a)
        for names in by_family.values()
        for i, a in enumerate(names)
        for b in names[i + 1 :]
    }


def found_pairs(clusters: dict[str, int]) -> set[tuple[str, str]]:
    """Pairs of documents put in one cluster."""
    by_cluster: dict[int, list[str]] = {}
    for name, number in clusters.items():
        by_cluster.setdefault(number, []).append(name)
    return {
        (a, b) if a < b else (b, a)
        for names in by_cluster.values()
        for i, a in enumerate(names)
        for b in names[i + 1 :]
    }


def precision_recall(
    truth: set[tuple[str, str]], found: set[tuple[str, str]]
) -> tuple[float, float]:
    hits = len(truth & found)
    return (hits / len(found) if found else 1.0, hits / len(truth) if truth else 1.0)
