package com.taobao.api.request;

import java.util.List;
import java.util.Map;
import com.taobao.api.internal.mapping.ApiField;
import com.taobao.api.internal.mapping.ApiListField;
import com.taobao.api.internal.util.RequestCheckUtils;
import com.taobao.api.internal.util.json.JSONWriter;
import com.taobao.api.TaobaoObject;
import com.taobao.api.ApiRuleException;
import com.taobao.api.BaseTaobaoRequest;
import com.taobao.api.internal.util.TaobaoHashMap;
import com.taobao.api.response.DemoOrderCreateResponse;

/**
 * TOP API: taobao.demo.order.create request
 * 
 * @author top auto create
 * @since 1.0, 2026.11.30
 */
public class DemoOrderCreateRequest extends BaseTaobaoRequest<DemoOrderCreateResponse> {

	/** 
	* 商品ID列表，逗号分隔
	 */
	private String itemIds;

	/** 
	* 订单
	 */
	private String order;

	/** 
	* 备注（多行说明：
	* 第二行）
	 */
	private String memo;

	public void setItemIds(String itemIds) {
		this.itemIds = itemIds;
	}

	public void setOrder(String order) {
		this.order = order;
	}

	public void setOrder(OrderDto order) {
		this.order = new JSONWriter(false,true).write(order);
	}

	public void setMemo(String memo) {
		this.memo = memo;
	}

	public String getApiMethodName() {
		return "taobao.demo.order.create";
	}

	public Map<String, String> getTextParams() {		
		TaobaoHashMap txtParams = new TaobaoHashMap();
		txtParams.put("item_ids", this.itemIds);
		txtParams.put("order", this.order);
		txtParams.put("memo", this.memo);
		if(this.udfParams != null) {
			txtParams.putAll(this.udfParams);
		}
		return txtParams;
	}

	public Class<DemoOrderCreateResponse> getResponseClass() {
		return DemoOrderCreateResponse.class;
	}

	public void check() throws ApiRuleException {
		RequestCheckUtils.checkMaxListSize(itemIds, 20, "itemIds");
		RequestCheckUtils.checkNotEmpty(order, "order");
	}

	/**
	 * 订单行
	 */
	public static class OrderLine extends TaobaoObject {
		private static final long serialVersionUID = 1L;
		/** 商品ID */
		@ApiField("item_id")
		private Long itemId;
		/** 数量 */
		@ApiField("num")
		private Long num;
		public Long getItemId() { return this.itemId; }
		public void setItemId(Long itemId) { this.itemId = itemId; }
	}

	/**
	 * 订单
	 */
	public static class OrderDto extends TaobaoObject {
		private static final long serialVersionUID = 1L;
		/** 买家昵称 */
		@ApiField("buyer_nick")
		private String buyerNick;
		/** 订单行 */
		@ApiListField("lines")
		@ApiField("order_line")
		private List<OrderLine> lines;
		/** 优惠金额（元） */
		@ApiField("discount")
		private Double discount;
		public String getBuyerNick() { return this.buyerNick; }
		public void setBuyerNick(String buyerNick) { this.buyerNick = buyerNick; }
	}
}
