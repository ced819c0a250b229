"""A small generated labelled corpus: three matters, distinct vocabularies, short and long
texts. Enough for a model that separates them, small enough to train in a second."""
import csv
import random

TOPICS = {
    "城乡建设": (["物业", "小区", "电梯", "停车费", "房屋", "漏水", "维修基金", "业主委员会"],
             "{a}公司{b}问题长期得不到解决，{c}也坏了，业主多次反映无果。"),
    "教育文体": (["学校", "学生", "老师", "补课", "学位", "食堂", "校车", "课外班"],
             "孩子所在{a}存在{b}现象，{c}收费不合理，家长希望教育部门调查。"),
    "卫生计生": (["医院", "医生", "挂号", "药费", "门诊", "住院", "疫苗", "医保报销"],
             "到{a}看病时{b}态度很差，{c}过高，请卫生部门查处。"),
}


def corpus_rows(n_per_label: int = 14, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for label, (words, template) in TOPICS.items():
        for i in range(n_per_label):
            a, b, c = rng.sample(words, 3)
            rows.append({"标题": f"{a}{b}的问题", "内容": template.format(a=a, b=b, c=c), "类别": label})
    rng.shuffle(rows)
    return rows


def corpus_write(path, rows=None, *, label_blank_every: int = 0) -> list[dict]:
    rows = rows if rows is not None else corpus_rows()
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["标题", "内容", "类别"])
        w.writeheader()
        for i, row in enumerate(rows):
            if label_blank_every and i % label_blank_every == 0:
                row = {**row, "类别": ""}
            w.writerow(row)
    return rows
