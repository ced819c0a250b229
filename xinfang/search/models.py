"""The search indexes kept beside cases, written only by services.search_index_case.

SearchDocument: one row per case, the segmented texts. The engine's own index reads it:
on SQLite an FTS5 table fed by triggers (migration 0002), on PostgreSQL a generated
tsvector column with a GIN index (same migration). Party names are a column of their own
so that a search can leave them out for roles that may not see identities.

SameMatterBand: the LSH bands of the MinHash signature of each OPEN case's title and
content; a case that closes leaves the table.

SameMatterPlace: the named places (an estate, road, village …) each OPEN case's title and
beginning of the account give: the same-matter check's second path, kept like the bands.
"""
from django.db import models

from xinfang.core.models import Case


class SearchDocument(models.Model):
    case = models.OneToOneField(Case, primary_key=True, on_delete=models.CASCADE, related_name="search_document")
    title_seg = models.TextField(default="")
    body_seg = models.TextField(default="", help_text="内容与答复意见的分词")
    names_seg = models.TextField(default="", help_text="信访人姓名：仅对可查看身份的角色参与检索")
    # Copied from the case (never changes after registration): whose people may not match names.
    accused_unit_id = models.IntegerField(null=True, blank=True)
    is_open = models.BooleanField(default=True)
    answer_count = models.PositiveIntegerField(default=0)
    # What hot topics read of the case (topics.case_topic_features), computed when indexed:
    # its named places, one a line, and its key words. NULL: indexed before they were stored
    # (the topics then read the texts; `xinfang search reindex` fills them).
    topic_places = models.TextField(null=True, blank=True)
    topic_words = models.TextField(null=True, blank=True)

    class Meta:
        verbose_name = "检索索引"
        verbose_name_plural = "检索索引"


class SameMatterBand(models.Model):
    pk = models.CompositePrimaryKey("key", "case")
    key = models.BigIntegerField()
    # Indexed (as every ForeignKey): a closing case deletes its bands by case.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")


class SameMatterPlace(models.Model):
    pk = models.CompositePrimaryKey("name", "case")
    name = models.CharField(max_length=40)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    # Copied from the case (fixed at registration): the look-up reads a place's cases within
    # a time window straight from the (name, received_date) index.
    received_date = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["name", "received_date"], name="samematterplace_name_date")]
