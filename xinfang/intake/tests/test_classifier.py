"""The category model itself (no database): what it answers, its file, the arithmetic of
scoring without scikit-learn, and the shipped default model on texts it never saw."""
import zipfile

import numpy as np
import pytest

from xinfang.intake import classifier as C
from xinfang.intake.classifier import CategoryClassifier, TrainingDataError
from xinfang.intake.selectors import DEFAULT_MODEL_PATH

from .corpus import corpus_rows


@pytest.fixture(scope="module")
def rows():
    return corpus_rows()


@pytest.fixture(scope="module")
def model(rows):
    return CategoryClassifier.fit([f"{r['标题']} {r['内容']}" for r in rows], [r["类别"] for r in rows])


def test_top_gives_k_labels_with_probabilities_best_first(model):
    [top] = model.top(["小区物业乱收停车费，电梯坏了没人修"], k=3)
    assert top[0][0] == "城乡建设" and len(top) == 3
    probs = [p for _, p in top]
    assert probs == sorted(probs, reverse=True) and abs(sum(probs) - 1) < 1e-6
    assert model.top(["", "   "], k=3) == [[], []]


def test_predict_keeps_order_and_answers_an_empty_text_with_the_prior(model):
    out = model.predict(["学校老师违规组织学生补课收费", "", "医院挂号难，医生态度差，药费太高"])
    assert out[0] == "教育文体" and out[2] == "卫生计生"
    assert out[1] == model.figures["prior_label"]


def test_text_clean_normalises_width_case_space_and_control_characters():
    assert C.text_clean("  ＡＢＣ１２３\t\n小区\x00物业  ") == "abc123 小区 物业"
    assert len(C.text_clean("字" * 5000)) == C.BODY_CHARS


def test_scores_equal_scikit_learns_tfidf_and_svm(model, rows):
    """The model scores a text in NumPy; training used scikit-learn. Same numbers."""
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [C.text_clean(f"{r['标题']} {r['内容']}") for r in rows]
    y = np.array([model.labels.index(r["类别"]) for r in rows])
    analyzers = {"chars": C.char_grams, "words": model.engine.segmenter, "head": C.head_grams}
    vecs = [TfidfVectorizer(analyzer=analyzers[n], sublinear_tf=True, min_df=1, dtype=np.float32).fit(docs)
            for n in C.LinearTextModel.VIEWS]
    svm = C._svm().fit(sp.hstack([v.transform(docs) for v in vecs]).tocsr(), y)
    queries = [C.text_clean(t) for t in ["物业费太高", "学校补课", "医院药费", "完全无关的一句话 xyz"]]
    expected = svm.decision_function(sp.hstack([v.transform(queries) for v in vecs]).tocsr())
    got = np.array([model.engine.decision(q) for q in queries])
    assert np.abs(expected - got).max() < 1e-5


def test_a_saved_model_is_plain_arrays_and_loads_the_same(model, tmp_path):
    path = tmp_path / "m.joblib"
    model.save(path)
    assert zipfile.is_zipfile(path)
    with np.load(path, allow_pickle=False) as z:   # no pickle: loading runs no code
        assert {"meta", "coef", "chars_terms", "words_terms", "head_terms", "dict_words"} <= set(z.files)
    again = CategoryClassifier.load(path)
    texts = ["物业维修基金使用不公开", "校车超载", "疫苗接种排队太久"]
    assert again.top(texts, k=3) == model.top(texts, k=3)
    assert (again.labels, again.sample_count, again.figures) == (model.labels, model.sample_count, model.figures)


def test_a_file_that_is_not_a_model_is_refused_clearly(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("这不是模型", encoding="utf-8")
    with pytest.raises(ValueError, match="不是本系统的分类模型文件"):
        CategoryClassifier.load(bad)
    stranger = tmp_path / "other.npz"
    np.savez(stranger, x=np.zeros(3))
    with pytest.raises(ValueError, match="不是本系统的分类模型文件"):
        CategoryClassifier.load(stranger)
    with pytest.raises(FileNotFoundError):
        CategoryClassifier.load(tmp_path / "missing.joblib")


def test_a_format_1_file_still_loads(rows, tmp_path):
    """Models trained before the array format (a pickled scikit-learn pipeline) keep working."""
    import joblib
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts = [f"{r['标题']} {r['内容']}" for r in rows]
    pipe = make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 2)), LogisticRegression()).fit(
        texts, [r["类别"] for r in rows])
    path = tmp_path / "old.joblib"
    joblib.dump({"format": 1, "pipeline": pipe, "labels": list(pipe.classes_), "sample_count": len(texts),
                 "trained_at": "2026-01-01T00:00:00+00:00", "figures": {}}, path)
    old = CategoryClassifier.load(path)
    assert old.predict(["学校补课收费"]) == ["教育文体"]


def test_tiny_and_two_label_data_train(rows):
    two = [r for r in rows if r["类别"] != "卫生计生"][:6] + [r for r in rows if r["类别"] == "卫生计生"][:3]
    model = CategoryClassifier.fit([r["内容"] for r in two], [r["类别"] for r in two])
    assert set(model.labels) == {r["类别"] for r in two}
    assert model.predict(["医院药费过高，医生态度差"]) == ["卫生计生"]
    pair = [r for r in rows if r["类别"] in ("城乡建设", "教育文体")]
    binary = CategoryClassifier.fit([r["内容"] for r in pair], [r["类别"] for r in pair])
    [top] = binary.top(["小区电梯坏了"], k=3)
    assert top[0][0] == "城乡建设" and len(top) == 2 and abs(top[0][1] + top[1][1] - 1) < 1e-6


def test_a_label_with_one_or_two_texts_still_trains_and_is_named(rows):
    # An examiner's or a deployment's label set may hold rare labels: a model that knows
    # them weakly beats no model at all.
    common = [r for r in rows if r["类别"] in ("城乡建设", "教育文体", "卫生计生")]
    texts = [r["内容"] for r in common] + ["出租车司机拒载绕路，乱收费"]
    labels = [r["类别"] for r in common] + ["交通运输"]
    model = CategoryClassifier.fit(texts, labels)
    assert "交通运输" in model.labels
    assert model.figures["rare_labels"] == ["交通运输"]
    assert model.predict(["出租车司机拒载绕路"]) == ["交通运输"]
    assert "rare_labels" not in CategoryClassifier.fit([r["内容"] for r in common], [r["类别"] for r in common]).figures


def test_training_data_that_cannot_make_a_model_is_refused():
    with pytest.raises(TrainingDataError, match="至少需要两个不同的分类标签"):
        CategoryClassifier.fit(["物业问题"] * 5, ["城乡建设"] * 5)
    with pytest.raises(TrainingDataError, match="至少需要两个不同的分类标签"):
        CategoryClassifier.fit(["", " "], ["城乡建设", "教育文体"])


# Written for this test, not taken from the public data the default model learnt from:
# four plain matters per first-level category, as that data's taxonomy files them (电梯
# safety is 质监 under 商贸旅游 there, 公交 mostly 城乡建设: such texts are left out).
SAMPLE = {
    "交通运输": ["城乡客运班车超载，票价随意上涨", "出租车司机拒载还不打表，乱收费",
             "邮政网点取包裹还要另收两元钱", "快递公司丢件不赔偿，投诉无门"],
    "劳动和社会保障": ["公司拖欠员工三个月工资一直不发", "退休人员养老金调整什么时候落实到位",
                "灵活就业人员社保缴费基数太高，负担不起", "工伤认定拖了半年还没有结果"],
    "卫生计生": ["医院乱收费，检查项目重复收取", "乡镇卫生院医生态度恶劣，延误病情",
             "二孩生育服务证办理手续繁琐", "药店销售过期药品，药监部门不管"],
    "商贸旅游": ["景区门票价格过高，导游强制游客购物", "商家虚假宣传，预付卡消费后老板跑路",
             "旅行社低价团强迫购物", "加油站加油缺斤少两，计量有问题"],
    "城乡建设": ["小区经常停水，供水管网老化水压不足", "开发商延期交房，房产证迟迟办不下来",
             "老旧小区改造道路开挖后一直不恢复", "拆迁补偿标准太低，要求重新评估"],
    "教育文体": ["学校老师违规组织学生有偿补课", "幼儿园入园难，学位太紧张",
             "中小学生作业太多，课业负担过重", "教师职称评定不公平"],
    "环境保护": ["化工厂夜间偷排废气，气味刺鼻", "搅拌站粉尘污染严重，附近居民无法开窗",
             "河道被养殖场污水污染，鱼虾死亡", "垃圾焚烧厂排放黑烟"],
}


def test_the_shipped_model_scores_above_a_floor_on_texts_it_never_saw():
    model = CategoryClassifier.load(DEFAULT_MODEL_PATH)
    assert sorted(model.labels) == sorted(SAMPLE)
    truth = [label for label, texts in SAMPLE.items() for _ in texts]
    predicted = model.predict([t for texts in SAMPLE.values() for t in texts])
    f1, _ = C.macro_f1(truth, predicted)
    assert f1 >= 0.85, list(zip(truth, predicted))


def test_words_are_jiebas_words():
    """The model's segmenter is jieba's cut(HMM=False), reimplemented so that using a model
    needs no jieba: over jieba's own dictionary it answers exactly as jieba does."""
    full = C._full_jieba()
    segmenter = C.WordSegmenter({w: n for w, n in full.FREQ.items() if n}, full.total)
    for text in ["a市a3区杜鹃文苑小区外的非法汽车检测站要开业了!", "abc123 公交车 x-1 %& 北京,, ok",
                 "物业公司向业主收取无合同期间的不合理的物业费!a7县法院竟支持!?", "", "  "]:
        assert segmenter(text) == [w for w in full.lcut(text, HMM=False) if not w.isspace()]
